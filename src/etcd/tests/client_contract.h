#pragma once
// What the client must do against any etcd: run by client_test.cc against the in-memory
// etcd and by real_etcd_test.cc against real members.

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "etcd/client.h"
#include <gtest/gtest.h>

namespace vq::etcd::contract {

inline void putGetDelete(Client& c) {
    auto rev = c.put("/t/a", "1");
    ASSERT_TRUE(rev) << rev.message();
    auto got = c.get("/t/a");
    ASSERT_TRUE(got) << got.message();
    ASSERT_TRUE(*got);
    EXPECT_EQ((*got)->value, "1");
    EXPECT_EQ((*got)->mod_revision, *rev);
    EXPECT_EQ((*got)->version, 1);
    auto deleted = c.del("/t/a");
    ASSERT_TRUE(deleted);
    EXPECT_EQ(*deleted, 1);
    auto none = c.get("/t/a");
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
}

inline void prefixReadsPageAtOneRevision(Client& c) {
    for (int i = 0; i < 25; ++i)
        ASSERT_TRUE(c.put("/p/k" + std::to_string(100 + i), std::string(i, 'x')));
    ASSERT_TRUE(c.put("/pz", "outside"));
    auto all = c.getPrefix("/p/");
    ASSERT_TRUE(all) << all.message();
    ASSERT_EQ(all->kvs.size(), 25u);
    EXPECT_EQ(all->kvs.front().key, "/p/k100");
    EXPECT_EQ(all->kvs.back().value, std::string(24, 'x'));
    auto gone = c.delPrefix("/p/");
    ASSERT_TRUE(gone);
    EXPECT_EQ(*gone, 25);
}

inline void txnComparesRevisions(Client& c) {
    auto rev = c.put("/x", "a");
    ASSERT_TRUE(rev);
    auto ok = c.txn({Compare::modRevision("/x", *rev)}, {Op::put("/x", "b")}, {Op::get("/x")});
    ASSERT_TRUE(ok) << ok.message();
    EXPECT_TRUE(ok->succeeded);
    // The same condition again: /x moved on, so the failure branch runs.
    auto stale = c.txn({Compare::modRevision("/x", *rev)}, {Op::put("/x", "c")}, {Op::get("/x")});
    ASSERT_TRUE(stale);
    EXPECT_FALSE(stale->succeeded);
    ASSERT_EQ(stale->responses.size(), 1u);
    ASSERT_EQ(stale->responses[0].range.kvs.size(), 1u);
    EXPECT_EQ(stale->responses[0].range.kvs[0].value, "b");
    auto create = c.txn({Compare::absent("/new")}, {Op::put("/new", "1")});
    ASSERT_TRUE(create);
    EXPECT_TRUE(create->succeeded);
    auto again = c.txn({Compare::absent("/new")}, {Op::put("/new", "2")});
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->succeeded);
    auto created = c.get("/new");
    ASSERT_TRUE(created && *created);
    auto by_create =
        c.txn({Compare::createRevision("/new", (*created)->create_revision)}, {Op::del("/new")});
    ASSERT_TRUE(by_create);
    EXPECT_TRUE(by_create->succeeded);
}

inline void leasesKeepAndRevoke(Client& c) {
    auto lease = c.leaseGrant(5);
    ASSERT_TRUE(lease) << lease.message();
    ASSERT_TRUE(c.put("/leased", "v", *lease));
    auto ttl = c.leaseKeepAlive(*lease);
    ASSERT_TRUE(ttl) << ttl.message();
    EXPECT_GT(*ttl, 0);
    ASSERT_TRUE(c.leaseRevoke(*lease));
    auto gone = c.get("/leased");
    ASSERT_TRUE(gone);
    EXPECT_FALSE(*gone);  // revoking deletes the lease's keys
    auto after = c.leaseKeepAlive(*lease);
    EXPECT_EQ(after.code(), StatusCode::not_found);
    EXPECT_FALSE(c.put("/leased", "v", *lease));  // a dead lease takes no key
}

inline void watchSeesPutsAndDeletes(Client& c) {
    std::mutex mu;
    std::vector<WatchEvent> seen;
    auto w = c.watch(WatchRequest{"/w/", prefixEnd("/w/")},
                     [&](const std::vector<WatchEvent>& events, int64_t) {
                         std::lock_guard lock(mu);
                         seen.insert(seen.end(), events.begin(), events.end());
                     });
    // The watch starts on its own thread: write until it has seen one event.
    bool started = false;
    for (int i = 0; i < 100 && !started; ++i) {
        ASSERT_TRUE(c.put("/w/probe", std::to_string(i)));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::lock_guard lock(mu);
        started = !seen.empty();
    }
    ASSERT_TRUE(started);
    ASSERT_TRUE(c.put("/w/a", "1"));
    ASSERT_TRUE(c.put("/outside", "1"));
    ASSERT_TRUE(c.del("/w/a"));
    bool done = false;
    for (int i = 0; i < 200 && !done; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::lock_guard lock(mu);
        done = !seen.empty() && seen.back().type == WatchEvent::Type::del;
    }
    w->stop();
    std::lock_guard lock(mu);
    ASSERT_TRUE(done);
    ASSERT_GE(seen.size(), 3u);
    EXPECT_EQ(seen[seen.size() - 2].kv.key, "/w/a");
    EXPECT_EQ(seen[seen.size() - 2].kv.value, "1");
    EXPECT_EQ(seen.back().kv.key, "/w/a");
    for (const auto& e : seen)
        EXPECT_NE(e.kv.key, "/outside");
}

}  // namespace vq::etcd::contract
