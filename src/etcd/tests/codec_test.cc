#include "etcd/codec.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vq::etcd {
namespace {

using nlohmann::json;

TEST(Codec, RangeRequestSpellsTheGatewayFields) {
    RangeRequest r = RangeRequest::prefix("a/");
    r.limit = 10;
    const json j = json::parse(codec::rangeRequest(r));
    EXPECT_EQ(j["key"], "YS8=");        // "a/"
    EXPECT_EQ(j["range_end"], "YTA=");  // "a0"
    EXPECT_EQ(j["limit"], "10");
    EXPECT_FALSE(j.contains("revision"));
}

TEST(Codec, TxnRequestNamesTargetsAndResults) {
    const json j =
        json::parse(codec::txnRequest({Compare::modRevision("k", 7), Compare::absent("n")},
                                      {Op::put("k", "v", 9)}, {Op::get("k")}));
    EXPECT_EQ(j["compare"][0]["target"], "MOD");
    EXPECT_EQ(j["compare"][0]["mod_revision"], "7");
    EXPECT_EQ(j["compare"][1]["target"], "VERSION");
    EXPECT_EQ(j["compare"][1]["version"], "0");
    EXPECT_EQ(j["success"][0]["request_put"]["lease"], "9");
    EXPECT_EQ(j["failure"][0]["request_range"]["key"], "aw==");
}

TEST(Codec, ReadsARangeAsEtcdAnswersIt) {
    // Captured from etcd 3.4's gateway.
    auto r = codec::rangeResponse(
        R"({"header":{"cluster_id":"1","member_id":"2","revision":"2","raft_term":"2"},)"
        R"("kvs":[{"key":"Zm9v","create_revision":"2","mod_revision":"2","version":"1",)"
        R"("value":"YmFy"}],"count":"1"})");
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(r->revision, 2);
    ASSERT_EQ(r->kvs.size(), 1u);
    EXPECT_EQ(r->kvs[0].key, "foo");
    EXPECT_EQ(r->kvs[0].value, "bar");
    EXPECT_EQ(r->kvs[0].version, 1);
    EXPECT_FALSE(r->more);
}

TEST(Codec, ReadsAFailedTxnWithItsRanges) {
    auto t = codec::txnResponse(
        R"({"header":{"revision":"3"},"responses":[{"response_range":{"header":)"
        R"({"revision":"3"},"kvs":[{"key":"Zm9v","mod_revision":"3","value":"YmF6"}]}}]})");
    ASSERT_TRUE(t) << t.message();
    EXPECT_FALSE(t->succeeded);
    ASSERT_EQ(t->responses.size(), 1u);
    EXPECT_EQ(t->responses[0].range.kvs[0].value, "baz");
}

TEST(Codec, ReadsKeepAliveAndWatchLines) {
    auto l = codec::keepAliveResponse(R"({"result":{"header":{},"ID":"41","TTL":"5"}})"
                                      "\n");
    ASSERT_TRUE(l);
    EXPECT_EQ(l->id, 41);
    EXPECT_EQ(l->ttl, 5);
    auto gone = codec::keepAliveResponse(R"({"result":{"header":{},"ID":"41"}})");
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->ttl, 0);
    auto w = codec::watchMessage(
        R"({"result":{"header":{"revision":"4"},"events":[{"kv":{"key":"Zm9v","create_revision":)"
        R"("2","mod_revision":"2","version":"1","value":"YmFy"}},{"type":"DELETE","kv":)"
        R"({"key":"Zm9v","mod_revision":"4"}}]}})");
    ASSERT_TRUE(w) << w.message();
    ASSERT_EQ(w->events.size(), 2u);
    EXPECT_EQ(w->events[0].type, WatchEvent::Type::put);
    EXPECT_EQ(w->events[1].type, WatchEvent::Type::del);
    EXPECT_EQ(w->events[1].kv.mod_revision, 4);
}

TEST(Codec, MalformedAnswersAreErrorsNotCrashes) {
    for (const char* bad :
         {"", "[]", "{", R"({"kvs":5})", R"({"kvs":[{"key":"!!"}]})",
          R"({"kvs":[{"key":"YQ==","version":"x"}]})", R"({"count":{}})", R"({"kvs":[7]})"})
        EXPECT_FALSE(codec::rangeResponse(bad)) << bad;
    for (const char* bad : {"", R"({"responses":[5]})", R"({"responses":{}})",
                            R"({"responses":[{"response_range":{"kvs":[{"key":1}]}}]})",
                            R"({"responses":[{"response_delete_range":{"deleted":"x"}}]})"})
        EXPECT_FALSE(codec::txnResponse(bad)) << bad;
    for (const char* bad :
         {"", "{}", R"({"result":5})", R"({"result":{"events":[{"kv":3}]}})",
          R"({"result":{"events":[{"type":"DELETE"}]}})", R"({"error":{"code":14}})"})
        EXPECT_FALSE(codec::watchMessage(bad)) << bad;
    for (const char* bad : {"", R"({"result":{"ID":"x"}})", R"({"error":"no"})"})
        EXPECT_FALSE(codec::keepAliveResponse(bad)) << bad;
}

TEST(Codec, MapsGatewayErrorCodes) {
    EXPECT_EQ(codec::errorOf(404, R"({"code":5,"message":"etcdserver: requested lease not found"})")
                  .code(),
              StatusCode::not_found);
    EXPECT_EQ(codec::errorOf(503, R"({"code":14,"message":"no leader"})").code(),
              StatusCode::unavailable);
    EXPECT_EQ(codec::errorOf(400, R"({"code":3,"message":"request is too large"})").code(),
              StatusCode::invalid_argument);
    EXPECT_EQ(codec::errorOf(502, "garbage").code(), StatusCode::unavailable);
}

}  // namespace
}  // namespace vq::etcd
