#include "server/change_feed.h"

#include <gtest/gtest.h>

namespace vq::server {
namespace {

TEST(ChangeFeed, ReadersGetWhatFollowsTheirPosition) {
    ChangeFeed feed;
    EXPECT_EQ(feed.last(), 0u);
    EXPECT_EQ(feed.publish("{\"a\":1}"), 1u);
    EXPECT_EQ(feed.publish("{\"a\":2}"), 2u);
    auto b = feed.since(0, 1 << 20);
    EXPECT_EQ(b.messages, (std::vector<std::string>{"{\"a\":1}", "{\"a\":2}"}));
    EXPECT_EQ(b.last, 2u);
    EXPECT_FALSE(b.lost);
    auto none = feed.since(2, 1 << 20);
    EXPECT_TRUE(none.messages.empty());
    EXPECT_EQ(none.last, 2u);
}

TEST(ChangeFeed, ABatchIsBoundedButNeverEmptyWhenSomethingWaits) {
    ChangeFeed feed;
    feed.publish(std::string(100, 'x'));
    feed.publish(std::string(100, 'y'));
    auto b = feed.since(0, 10);
    ASSERT_EQ(b.messages.size(), 1u) << "one message even above the bound";
    EXPECT_EQ(b.last, 1u);
    b = feed.since(b.last, 150);
    ASSERT_EQ(b.messages.size(), 1u);
    EXPECT_EQ(b.messages[0][0], 'y');
}

TEST(ChangeFeed, AReaderTooFarBehindIsToldItLostMessages) {
    ChangeFeed feed(2);
    for (int i = 1; i <= 5; ++i)
        feed.publish(std::to_string(i));
    auto b = feed.since(1, 1 << 20);
    EXPECT_TRUE(b.lost);
    EXPECT_EQ(b.messages, (std::vector<std::string>{"4", "5"}));
    EXPECT_EQ(b.last, 5u);
    EXPECT_FALSE(feed.since(3, 1 << 20).lost) << "message 4 is still held";
}

TEST(ChangeFeed, TheSinkPublishesAndPassesEventsOn) {
    ChangeFeed feed;
    struct Count : EventSink {
        int n = 0;
        void record(HostEvent) override { ++n; }
    } next;
    ChangeFeedSink sink(feed, &next);
    feed.addReader();  // a dashboard is connected
    HostEvent e;
    e.kind = "HOST_STATE";
    e.detail = "host=lab/a";
    sink.record(e);
    EXPECT_EQ(next.n, 1);
    auto b = feed.since(0, 1 << 20);
    ASSERT_EQ(b.messages.size(), 1u);
    EXPECT_NE(b.messages[0].find("\"type\":\"state\""), std::string::npos);
    EXPECT_NE(b.messages[0].find("HOST_STATE"), std::string::npos);
}

TEST(ChangeFeed, NothingIsPublishedWhileNoReaderIsConnected) {
    ChangeFeed feed;
    struct Count : EventSink {
        int n = 0;
        void record(HostEvent) override { ++n; }
    } next;
    ChangeFeedSink sink(feed, &next);
    EXPECT_FALSE(feed.watched());
    sink.record(HostEvent{});
    EXPECT_EQ(next.n, 1) << "the event still goes on";
    EXPECT_EQ(feed.last(), 0u);
    feed.addReader();
    EXPECT_TRUE(feed.watched());
    sink.record(HostEvent{});
    EXPECT_EQ(feed.last(), 1u);
    feed.removeReader();
    EXPECT_FALSE(feed.watched());
}

}  // namespace
}  // namespace vq::server
