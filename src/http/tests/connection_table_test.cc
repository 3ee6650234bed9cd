#include "http/connection_table.h"

#include <gtest/gtest.h>

namespace vq::http {
namespace {

TEST(ConnectionTable, AdmitsUpToTheLimit) {
    ConnectionTable t(2);
    auto a = t.admit({});
    auto b = t.admit({});
    ASSERT_TRUE(a && b);
    EXPECT_EQ(t.open(), 2u);
    t.release(a);
    t.release(a);  // idempotent
    EXPECT_EQ(t.open(), 1u);
    EXPECT_EQ(t.evictedCount(), 0u);
}

TEST(ConnectionTable, AtTheLimitTheLongestWaitingMakesRoom) {
    ConnectionTable t(3);
    int closed_a = 0, closed_b = 0, closed_c = 0;
    auto a = t.admit([&] { ++closed_a; });
    auto b = t.admit([&] { ++closed_b; });
    auto c = t.admit([&] { ++closed_c; });
    b->busy();
    a->busy();
    a->waiting();  // a finished a request and waits again: c has waited longer
    auto d = t.admit({});
    ASSERT_TRUE(d);
    EXPECT_EQ(closed_c, 1);
    EXPECT_EQ(closed_a + closed_b, 0);
    EXPECT_TRUE(c->evicted());
    EXPECT_EQ(t.open(), 3u);
    EXPECT_EQ(t.evictedCount(), 1u);
    t.release(c);  // the evicted session leaving does not free a second place
    EXPECT_EQ(t.open(), 3u);
}

TEST(ConnectionTable, RefusesWhenEveryConnectionIsBusy) {
    ConnectionTable t(2);
    auto a = t.admit({});
    auto b = t.admit({});
    a->busy();
    b->busy();
    EXPECT_EQ(t.admit({}), nullptr);
    EXPECT_EQ(t.refusedCount(), 1u);
    b->waiting();
    EXPECT_NE(t.admit({}), nullptr);
}

TEST(ConnectionTable, ManyWaitingConnectionsStayBounded) {
    ConnectionTable t(100);
    std::vector<std::shared_ptr<ConnectionTable::Slot>> held;
    int closed = 0;
    for (int i = 0; i < 10'000; ++i)
        held.push_back(t.admit([&] { ++closed; }));
    EXPECT_EQ(t.open(), 100u);
    EXPECT_EQ(closed, 9'900);
    for (int i = 0; i < 9'900; ++i)
        EXPECT_TRUE(held[static_cast<size_t>(i)]->evicted()) << i;
    EXPECT_FALSE(held.back()->evicted());
}

TEST(ConnectionTable, LimitFitsTheDescriptorLimit) {
    EXPECT_GE(connectionLimitFor(8192), 1u);
    EXPECT_LE(connectionLimitFor(8192), 8192u);
    EXPECT_EQ(connectionLimitFor(1), 1u);
}

}  // namespace
}  // namespace vq::http
