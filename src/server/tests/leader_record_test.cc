#include "server/leader_record.h"

#include <gtest/gtest.h>

namespace vq::server {
namespace {

TEST(LeaderRecord, RoundTripsEveryEndpoint) {
    LeaderRecord r;
    r.id = "vq1/4242@127.0.0.1:24604";
    r.server_api = Endpoint{"10.0.0.5", 24601};
    r.user_api = Endpoint{"10.0.0.5", 24604};
    r.gitter = Endpoint{"::1", 24603};
    const std::string text = encodeLeaderRecord(r);
    EXPECT_EQ(text,
              "vq1/4242@127.0.0.1:24604 server_api=10.0.0.5:24601 user_api=10.0.0.5:24604 "
              "gitter=[::1]:24603");
    const LeaderRecord back = parseLeaderRecord(text);
    EXPECT_EQ(back.id, r.id);
    ASSERT_TRUE(back.server_api);
    EXPECT_EQ(back.server_api->addr, "10.0.0.5");
    EXPECT_EQ(back.server_api->port, 24601);
    ASSERT_TRUE(back.user_api);
    EXPECT_EQ(back.user_api->port, 24604);
    ASSERT_TRUE(back.gitter);
    EXPECT_EQ(back.gitter->addr, "::1");
    EXPECT_EQ(back.gitter->port, 24603);
}

TEST(LeaderRecord, AnIdAloneHasNoEndpoints) {
    const LeaderRecord r = parseLeaderRecord("vq1/17@127.0.0.1:24604");
    EXPECT_EQ(r.id, "vq1/17@127.0.0.1:24604");
    EXPECT_FALSE(r.server_api);
    EXPECT_FALSE(r.user_api);
    EXPECT_FALSE(r.gitter);
    EXPECT_EQ(parseLeaderRecord("").id, "");
}

TEST(LeaderRecord, FieldsThatDoNotParseAreAbsent) {
    for (const char* bad :
         {"server_api=host", "server_api=host:0", "server_api=host:70000", "server_api=:24601",
          "server_api=host:24601x", "server_api=[]:1", "server_api", "server_api=host:-1"}) {
        const LeaderRecord r = parseLeaderRecord(std::string("id ") + bad);
        EXPECT_EQ(r.id, "id") << bad;
        EXPECT_FALSE(r.server_api) << bad;
    }
    // Unknown fields and extra spaces are ignored.
    const LeaderRecord r = parseLeaderRecord("  id   color=blue  server_api=h:1 ");
    EXPECT_EQ(r.id, "id");
    ASSERT_TRUE(r.server_api);
    EXPECT_EQ(r.server_api->addr, "h");
}

TEST(LeaderRecord, AWildcardListenerIsAdvertisedByHostName) {
    EXPECT_EQ(advertisedEndpoint({"0.0.0.0", 24601}, "vq1").addr, "vq1");
    EXPECT_EQ(advertisedEndpoint({"::", 24601}, "vq1").addr, "vq1");
    EXPECT_EQ(advertisedEndpoint({"", 24601}, "vq1").addr, "vq1");
    const Endpoint e = advertisedEndpoint({"10.0.0.5", 24601}, "vq1");
    EXPECT_EQ(e.addr, "10.0.0.5");
    EXPECT_EQ(e.port, 24601);
}

}  // namespace
}  // namespace vq::server
