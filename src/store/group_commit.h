#pragma once
// Group commit, the writer both stores share: callers queue items and wait for them; one
// writer thread hands every item queued while the previous round ran to the next round (up
// to `max_round`), so concurrent writers share one commit (an fsync, an etcd round trip)
// instead of paying for one each. Rounds run in the order items were queued and answer one
// Status per item. The destructor runs every queued item before it returns.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "base/result.h"

namespace vq::store {

template <typename Item>
class GroupCommit {
public:
    using Ticket = uint64_t;
    // Runs on the writer thread; returns one Status per item, in order.
    using Round = std::function<std::vector<Status>(std::vector<Item>& items)>;

    GroupCommit(Round round, size_t max_round)
        : round_(std::move(round)), max_round_(max_round == 0 ? 1 : max_round) {
        writer_ = std::thread([this] { loop(); });
    }
    ~GroupCommit() {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
        }
        work_cv_.notify_all();
        if (writer_.joinable())
            writer_.join();
    }
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    Ticket submit(Item item) {
        Ticket t = 0;
        {
            std::lock_guard lock(mu_);
            t = next_ticket_++;
            queue_.emplace_back(t, std::move(item));
        }
        work_cv_.notify_one();
        return t;
    }

    // Blocks until the item of `ticket` was committed or failed; its Status.
    Status wait(Ticket ticket) {
        std::unique_lock lock(mu_);
        // The writer drains the queue before it stops, so every ticket ends.
        done_cv_.wait(lock, [&] { return done_ >= ticket; });
        auto it = failed_.find(ticket);
        if (it == failed_.end())
            return Status::ok();
        Status st = std::move(it->second);
        failed_.erase(it);
        return st;
    }

private:
    void loop() {
        for (;;) {
            std::vector<Ticket> tickets;
            std::vector<Item> items;
            {
                std::unique_lock lock(mu_);
                work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty())
                    return;  // stopping, and every queued item is done
                while (!queue_.empty() && items.size() < max_round_) {
                    tickets.push_back(queue_.front().first);
                    items.push_back(std::move(queue_.front().second));
                    queue_.pop_front();
                }
            }
            std::vector<Status> results = round_(items);
            results.resize(items.size(), Status::ok());
            {
                std::lock_guard lock(mu_);
                for (size_t i = 0; i < tickets.size(); ++i) {
                    if (!results[i])
                        failed_.emplace(tickets[i], std::move(results[i]));
                }
                done_ = tickets.back();
            }
            done_cv_.notify_all();
        }
    }

    Round round_;
    size_t max_round_;
    std::mutex mu_;
    std::condition_variable work_cv_;  // work for the writer
    std::condition_variable done_cv_;  // a round finished
    std::deque<std::pair<Ticket, Item>> queue_;
    Ticket next_ticket_ = 1;
    Ticket done_ = 0;                  // every ticket up to this one is finished
    std::map<Ticket, Status> failed_;  // finished tickets that failed, until waited for
    bool stopping_ = false;
    std::thread writer_;  // last: started once everything above is
};

}  // namespace vq::store
