#include "server/revision_log.h"

#include <gtest/gtest.h>

namespace vq::server {
namespace {

std::shared_ptr<const model::Model> emptyModel() {
    return std::make_shared<const model::Model>();
}

TEST(RevisionLog, NumbersInOrderAndPushesEachOnceToSubscribers) {
    RevisionLog log(3);
    EXPECT_EQ(log.latest(), nullptr);
    std::vector<uint64_t> seen;
    const uint64_t id =
        log.subscribe([&seen](const control::RevisionPtr& r) { seen.push_back(r->number); });
    EXPECT_TRUE(seen.empty()) << "nothing to push before the first load";
    auto r1 = log.publish(emptyModel(), "local");
    auto r2 = log.publish(emptyModel(), "local", "abc123");
    EXPECT_EQ(r1->number, 1u);
    EXPECT_EQ(r2->number, 2u);
    EXPECT_EQ(r2->commit, "abc123");
    EXPECT_EQ(r2->source_id, "local");
    EXPECT_EQ(log.latest()->number, 2u);
    EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2}));

    log.unsubscribe(id);
    log.publish(emptyModel(), "local");
    EXPECT_EQ(seen.size(), 2u) << "no push after unsubscribe";
}

TEST(RevisionLog, ALateSubscriberGetsTheNewestAtOnce) {
    RevisionLog log;
    log.publish(emptyModel(), "a");
    log.publish(emptyModel(), "a");
    std::vector<uint64_t> seen;
    log.subscribe([&seen](const control::RevisionPtr& r) { seen.push_back(r->number); });
    EXPECT_EQ(seen, (std::vector<uint64_t>{2}));
}

TEST(RevisionLog, KeepsOnlyTheNewest) {
    RevisionLog log(2);
    for (int i = 0; i < 5; ++i)
        log.publish(emptyModel(), "a");
    EXPECT_EQ(log.find(3), nullptr);
    ASSERT_NE(log.find(4), nullptr);
    EXPECT_EQ(log.find(5)->number, 5u);
}

}  // namespace
}  // namespace vq::server
