#include "etcd/election.h"

namespace vq::etcd {

using Clock = std::chrono::steady_clock;

Election::Election(std::shared_ptr<Client> client, ElectionOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
    if (options_.ttl_s < 1)
        options_.ttl_s = 1;
}

Election::~Election() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (keeper_.joinable())
        keeper_.join();
}

Status Election::campaign(const std::function<bool()>& stopped) {
    auto granted = client_->leaseGrant(options_.ttl_s);
    if (!granted)
        return granted.status().prefixed("etcd lease");
    lease_ = *granted;
    const auto ttl = std::chrono::seconds(options_.ttl_s);
    const auto retry = std::chrono::milliseconds(options_.ttl_s * 50);
    auto last_kept = Clock::now();
    auto last_answer = Clock::now();
    // A member lost mid-request (one of three) is no reason to give up: another answers
    // the next try. Only a whole TTL without any answer ends the campaign.
    auto transient = [&](const Status& st) {
        return (st.code() == StatusCode::unavailable ||
                st.code() == StatusCode::deadline_exceeded) &&
               Clock::now() - last_answer < ttl;
    };
    // A try that got no answer may have created the key all the same: then it is ours.
    bool unanswered = false;
    while (!stopped()) {
        auto t = client_->txn({Compare::absent(options_.key)},
                              {Op::put(options_.key, options_.id, lease_)});
        if (!t && !transient(t.status()))
            return t.status().prefixed("etcd campaign");
        if (t) {
            last_answer = Clock::now();
            if (t->succeeded) {
                won_revision_ = t->revision;
                return Status::ok();
            }
            if (unanswered) {
                auto held = client_->get(options_.key);
                if (held && *held && (*held)->value == options_.id && (*held)->lease == lease_) {
                    won_revision_ = (*held)->mod_revision;
                    return Status::ok();
                }
            }
        }
        unanswered = !t;
        std::this_thread::sleep_for(retry);
        if (Clock::now() - last_kept >= ttl / 3) {
            auto kept = client_->leaseKeepAlive(lease_);
            if (!kept && !transient(kept.status()))
                return kept.status().prefixed("etcd lease keep-alive");
            if (kept) {
                last_kept = Clock::now();
                last_answer = last_kept;
            }
        }
    }
    return Status::withCode(StatusCode::failed_precondition, "campaign cancelled");
}

void Election::keepLeading(std::function<void(const Status&)> on_lost) {
    keeper_ = std::thread([this, on_lost = std::move(on_lost)] { keepAliveLoop(on_lost); });
}

void Election::keepAliveLoop(std::function<void(const Status&)> on_lost) {
    const auto ttl = std::chrono::milliseconds(options_.ttl_s * 1000);
    auto last_ok = Clock::now();
    std::unique_lock lock(mu_);
    while (!stopping_) {
        cv_.wait_for(lock, ttl / 3, [this] { return stopping_; });
        if (stopping_)
            return;
        lock.unlock();
        auto kept = client_->leaseKeepAlive(lease_);
        lock.lock();
        if (stopping_)
            return;
        if (kept) {
            last_ok = Clock::now();
            continue;
        }
        // A lease that is gone is gone; an unanswered keep-alive may be a member failing
        // over, until a whole TTL passed without an answer.
        if (kept.code() == StatusCode::not_found || Clock::now() - last_ok >= ttl) {
            lock.unlock();
            on_lost(kept.status());
            return;
        }
    }
}

std::vector<Compare> Election::fence() const {
    return {Compare::modRevision(options_.key, won_revision_)};
}

void Election::resign() {
    if (lease_ != 0)
        (void)client_->leaseRevoke(lease_);
}

Result<std::string> Election::leader() {
    auto kv = client_->get(options_.key);
    if (!kv)
        return kv.status();
    return *kv ? (*kv)->value : std::string();
}

}  // namespace vq::etcd
