// A follower's User API (and Gitter) over loopback: what only the leader may answer is relayed
// to the leader's listener whole (method, target, body, headers) and its answer relayed back;
// /live and /ready stay the follower's own; 503 while nobody leads, 502 when the leader does
// not answer.
#include "server/standby_api.h"

#include "http_client.h"
#include <gtest/gtest.h>

#include "http/server.h"
#include "server/leader_record.h"

namespace vq::server {
namespace {

using vq::testing::httpGet;
using vq::testing::rawExchange;

// A leader's listener that answers with what it received.
std::unique_ptr<http::Server> startEchoLeader() {
    http::Router router;
    router.prefix(
        "/",
        [](const http::Request& req) {
            const std::string seen =
                std::string(req.method == http::Method::post ? "POST" : "OTHER") + " " +
                req.target + " body=" + req.body +
                " sig=" + std::string(req.header("X-Hub-Signature-256")) +
                " auth=" + std::string(req.header("Authorization")) +
                " xff=" + std::string(req.header("X-Forwarded-For"));
            return http::Response::text(201, seen);
        },
        http::Methods{http::Method::get, http::Method::post});
    http::ServerOptions opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    auto s = std::make_unique<http::Server>(opts, std::move(router));
    if (!s->start().isOk())
        return nullptr;
    return s;
}

std::string recordFor(uint16_t port) {
    LeaderRecord r;
    r.id = "vq1/42@127.0.0.1:" + std::to_string(port);
    r.user_api = Endpoint{"127.0.0.1", port};
    return encodeLeaderRecord(r);
}

class StandbyApiTest : public ::testing::Test {
protected:
    void start() {
        api_ = std::make_unique<StandbyApi>(
            Endpoint{"127.0.0.1", 0}, [this] { return leader_value_; },
            [](const LeaderRecord& r) { return r.user_api; });
        ASSERT_TRUE(api_->start().isOk());
    }
    std::string leader_value_;
    std::unique_ptr<StandbyApi> api_;
};

TEST_F(StandbyApiTest, RelaysWhatOnlyTheLeaderMayAnswerWhole) {
    auto leader = startEchoLeader();
    ASSERT_TRUE(leader);
    leader_value_ = recordFor(leader->port());
    start();
    const std::string reply = rawExchange(
        api_->port(),
        "POST /postreceive/hook1?x=1 HTTP/1.1\r\nHost: follower\r\nConnection: close\r\n"
        "X-Hub-Signature-256: sha256=ab12\r\nAuthorization: Bearer t0k\r\n"
        "Content-Length: 5\r\n\r\nhello");
    EXPECT_NE(reply.find("HTTP/1.1 201"), std::string::npos) << reply;
    EXPECT_NE(reply.find("POST /postreceive/hook1?x=1 body=hello sig=sha256=ab12 "
                         "auth=Bearer t0k xff=127.0.0.1"),
              std::string::npos)
        << reply;
    // The follower's own probes are not relayed.
    EXPECT_EQ(httpGet(api_->port(), "/live").status, 200u);
    auto ready = httpGet(api_->port(), "/ready");
    EXPECT_EQ(ready.status, 500u);
    EXPECT_NE(ready.body.find("vq1/42@"), std::string::npos) << ready.body;
}

TEST_F(StandbyApiTest, NobodyLeading503AndALeaderThatDoesNotAnswer502) {
    start();
    auto none = httpGet(api_->port(), "/hosts");
    EXPECT_EQ(none.status, 503u);
    EXPECT_EQ(none.header("retry-after"), "1");

    uint16_t dead = 0;
    {
        auto gone = startEchoLeader();
        ASSERT_TRUE(gone);
        dead = gone->port();
    }
    leader_value_ = recordFor(dead);
    EXPECT_EQ(httpGet(api_->port(), "/hosts").status, 502u);
}

}  // namespace
}  // namespace vq::server
