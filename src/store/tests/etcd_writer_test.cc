// The etcd writer's group commit: writes queued while a transaction is in flight share the
// next one, keep their order, merge puts of one key, and fail together only from the
// transaction that failed on.

#include "store/etcd_writer.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "etcd/testing/fake_etcd.h"
#include <gtest/gtest.h>

namespace vq::store {
namespace {

using namespace std::chrono_literals;

// In front of the fake: holds every transaction while closed, and counts them.
class GatedTransport : public etcd::Transport {
public:
    explicit GatedTransport(std::shared_ptr<etcd::FakeEtcd> fake) : fake_(std::move(fake)) {}
    Result<etcd::TransportReply> post(std::string_view path,
                                      const std::string& body,
                                      std::chrono::milliseconds timeout) override {
        if (path.find("txn") != std::string_view::npos) {
            std::unique_lock lock(mu_);
            ++arrived_;
            arrived_cv_.notify_all();
            open_cv_.wait_for(lock, 10s, [this] { return open_; });
            ++txns_;
        }
        return fake_->post(path, body, timeout);
    }
    Status stream(std::string_view path,
                  const std::string& body,
                  const std::function<bool(std::string_view)>& on_line,
                  const std::shared_ptr<etcd::StreamCancel>& cancel) override {
        return fake_->stream(path, body, on_line, cancel);
    }
    void setOpen(bool open) {
        std::lock_guard lock(mu_);
        open_ = open;
        open_cv_.notify_all();
    }
    bool waitArrived(int n) {
        std::unique_lock lock(mu_);
        return arrived_cv_.wait_for(lock, 10s, [&] { return arrived_ >= n; });
    }
    int txns() {
        std::lock_guard lock(mu_);
        return txns_;
    }

private:
    std::shared_ptr<etcd::FakeEtcd> fake_;
    std::mutex mu_;
    std::condition_variable open_cv_, arrived_cv_;
    bool open_ = true;
    int arrived_ = 0;
    int txns_ = 0;
};

struct WriterTest : ::testing::Test {
    std::shared_ptr<etcd::FakeEtcd> fake = std::make_shared<etcd::FakeEtcd>();
    std::shared_ptr<GatedTransport> gate = std::make_shared<GatedTransport>(fake);
    std::shared_ptr<etcd::Client> client = std::make_shared<etcd::Client>(gate);

    std::string value(const std::string& key) {
        auto kv = client->get(key);
        return kv && *kv ? (*kv)->value : "<absent>";
    }
};

TEST_F(WriterTest, WritesQueuedDuringATransactionShareTheNext) {
    EtcdWriter writer(client, {});
    gate->setOpen(false);
    const auto first = writer.submit({etcd::Op::put("k/0", "0")});
    ASSERT_TRUE(gate->waitArrived(1));  // the first is in flight, held
    std::vector<EtcdWriter::Ticket> rest;
    for (int i = 1; i <= 50; ++i)
        rest.push_back(writer.submit({etcd::Op::put("k/" + std::to_string(i), "v")}));
    gate->setOpen(true);
    ASSERT_TRUE(writer.wait(first));
    for (auto t : rest)
        ASSERT_TRUE(writer.wait(t));
    EXPECT_EQ(gate->txns(), 2);  // 1 + the 50 queued behind it
    EXPECT_EQ(writer.transactions(), 2u);
    EXPECT_EQ(value("k/50"), "v");
}

TEST_F(WriterTest, PutsOfOneKeyMergeAndTheNewestWins) {
    EtcdWriter writer(client, {});
    gate->setOpen(false);
    (void)writer.submit({etcd::Op::put("hold", "x")});
    ASSERT_TRUE(gate->waitArrived(1));
    (void)writer.submit({etcd::Op::put("k", "1"), etcd::Op::put("j", "1")});
    (void)writer.submit({etcd::Op::put("k", "2")});
    const auto last = writer.submit({etcd::Op::put("k", "3")});
    gate->setOpen(true);
    ASSERT_TRUE(writer.wait(last));
    EXPECT_EQ(gate->txns(), 2);  // etcd would refuse one key twice in a transaction
    EXPECT_EQ(value("k"), "3");
    EXPECT_EQ(value("j"), "1");
}

TEST_F(WriterTest, ADeleteTravelsAloneAndOrderHolds) {
    EtcdWriter writer(client, {});
    ASSERT_TRUE(writer.write({etcd::Op::put("p/a", "old")}));
    gate->setOpen(false);
    (void)writer.submit({etcd::Op::put("hold", "x")});
    ASSERT_TRUE(gate->waitArrived(2));
    (void)writer.submit({etcd::Op::put("p/b", "before")});
    (void)writer.submit({etcd::Op::delPrefix("p/")});
    const auto last = writer.submit({etcd::Op::put("p/a", "new")});
    gate->setOpen(true);
    ASSERT_TRUE(writer.wait(last));
    EXPECT_EQ(value("p/a"), "new");
    EXPECT_EQ(value("p/b"), "<absent>");  // deleted after it was put
    EXPECT_EQ(gate->txns(), 1 + 1 + 3);
}

TEST_F(WriterTest, KeyDeletesShareATransactionUnlessTheKeyIsAlsoPut) {
    EtcdWriter writer(client, {});
    ASSERT_TRUE(writer.write({etcd::Op::put("x", "1"), etcd::Op::put("y", "1")}));
    gate->setOpen(false);
    (void)writer.submit({etcd::Op::put("hold", "x")});
    ASSERT_TRUE(gate->waitArrived(2));
    (void)writer.submit({etcd::Op::put("a", "1"), etcd::Op::del("x")});
    (void)writer.submit({etcd::Op::del("y"), etcd::Op::put("b", "1")});
    const auto last = writer.submit({etcd::Op::put("y", "again")});
    gate->setOpen(true);
    ASSERT_TRUE(writer.wait(last));
    EXPECT_EQ(gate->txns(), 2 + 2);  // {a, -x, -y, b} then {y}
    EXPECT_EQ(value("x"), "<absent>");
    EXPECT_EQ(value("y"), "again");
    EXPECT_EQ(value("b"), "1");
}

TEST_F(WriterTest, AWriteThatFitsIsNeverSplit) {
    EtcdWriterOptions options;
    options.max_ops = 10;
    EtcdWriter writer(client, options);
    gate->setOpen(false);
    (void)writer.submit({etcd::Op::put("hold", "x")});
    ASSERT_TRUE(gate->waitArrived(1));
    std::vector<etcd::Op> six, six_more;
    for (int i = 0; i < 6; ++i) {
        six.push_back(etcd::Op::put("a/" + std::to_string(i), "v"));
        six_more.push_back(etcd::Op::put("b/" + std::to_string(i), "v"));
    }
    (void)writer.submit(six);
    const auto last = writer.submit(six_more);
    gate->setOpen(true);
    ASSERT_TRUE(writer.wait(last));
    EXPECT_EQ(gate->txns(), 3);  // 6 + 6 > 10: each write whole in its own
}

TEST_F(WriterTest, AFailureFailsTheWritesFromItsTransactionOn) {
    Status seen = Status::ok();
    EtcdWriterOptions options;
    options.max_ops = 2;
    options.on_failure = [&](const Status& st) { seen = st; };
    EtcdWriter writer(client, options);
    gate->setOpen(false);
    (void)writer.submit({etcd::Op::put("hold", "x")});
    ASSERT_TRUE(gate->waitArrived(1));
    fake->setDown(true);
    const auto a = writer.submit({etcd::Op::put("a", "1")});
    const auto b = writer.submit({etcd::Op::put("b", "1")});
    gate->setOpen(true);
    EXPECT_EQ(writer.wait(a).code(), StatusCode::unavailable);
    EXPECT_EQ(writer.wait(b).code(), StatusCode::unavailable);
    EXPECT_EQ(seen.code(), StatusCode::unavailable);
    fake->setDown(false);
    EXPECT_TRUE(writer.write({etcd::Op::put("c", "1")}));  // the next round is its own
    EXPECT_EQ(value("a"), "<absent>");
    EXPECT_EQ(value("c"), "1");
}

TEST_F(WriterTest, ConcurrentWritersAllLandAndShareTransactions) {
    EtcdWriter writer(client, {});
    constexpr int kThreads = 8, kEach = 200;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                if (!writer.write(
                        {etcd::Op::put("c/" + std::to_string(t) + "/" + std::to_string(i), "v")}))
                    ++failures;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(failures.load(), 0);
    auto all = client->getRange("c/", etcd::prefixEnd("c/"));
    ASSERT_TRUE(all);
    EXPECT_EQ(all->kvs.size(), size_t{kThreads * kEach});
    EXPECT_LE(writer.transactions(), uint64_t{kThreads * kEach});
}

TEST_F(WriterTest, DestroyingTheWriterCommitsWhatWasQueued) {
    {
        EtcdWriter writer(client, {});
        for (int i = 0; i < 20; ++i)
            (void)writer.submit({etcd::Op::put("d/" + std::to_string(i), "v")});
    }
    EXPECT_EQ(value("d/19"), "v");
}

}  // namespace
}  // namespace vq::store
