// The server core over loopback: keep-alive, HEAD, query decoding, local address, limits,
// malformed input and the observer.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "http_client.h"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/server.h"

namespace vq::http {
namespace {

using vq::testing::httpGet;
using vq::testing::httpGetKeepAlive;
using vq::testing::rawExchange;

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        Router router;
        router.exact("/echo", [](const Request& r) {
            return Response::text(200, "mac=" + r.query.value("mac") + " host=" +
                                           r.query.value("hostname") + " local=" + r.local.address);
        });
        router.exact("/fail", [](const Request&) { return Response::error(500, "render failed"); });
        router.prefix("/config/", [](const Request& r) { return Response::text(200, r.rest); });
        ServerOptions opts;
        opts.address = "127.0.0.1";
        opts.port = 0;
        opts.threads = 2;
        opts.read_timeout = std::chrono::milliseconds(2000);
        server_ = std::make_unique<Server>(opts, std::move(router));
        server_->setObserver([this](const Request& r, const Exchange& e) {
            std::lock_guard lock(mu_);
            seen_.push_back(r.path + ":" + std::to_string(e.status));
        });
        ASSERT_TRUE(server_->start().isOk());
        port_ = server_->port();
        ASSERT_NE(port_, 0);
    }

    void TearDown() override { server_.reset(); }

    // Declared before server_ so they outlive the server threads that call the observer.
    std::mutex mu_;
    std::vector<std::string> seen_;
    std::unique_ptr<Server> server_;
    uint16_t port_ = 0;
};

TEST_F(ServerTest, AStoppedServerHasReleasedItsPort) {
    // A successor (a new HA leader's listener) binds the same port at once; the server object
    // stays alive, so only stop() can have released it.
    for (int round = 0; round < 20; ++round) {
        server_->stop();
        ServerOptions opts;
        opts.address = "127.0.0.1";
        opts.port = port_;
        Router router;
        router.exact("/x", [](const Request&) { return Response::text(200, "x"); });
        auto next = std::make_unique<Server>(opts, std::move(router));
        ASSERT_TRUE(next->start().isOk()) << "round " << round;
        EXPECT_EQ(httpGet(port_, "/x").status, 200u);
        next.reset();
        server_ = std::make_unique<Server>(opts, Router());
        ASSERT_TRUE(server_->start().isOk()) << "round " << round;
    }
}

TEST_F(ServerTest, DecodesQueryAndReportsLocalAddress) {
    auto r = httpGet(port_, "/echo?mac=52-54-00-aa-bb-cc&hostname=node%201");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "mac=52-54-00-aa-bb-cc host=node 1 local=127.0.0.1");
    EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.header("server"), "vaquero");
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
    auto replies = httpGetKeepAlive(port_, {"/echo?mac=1", "/config/aa:bb", "/nope", "/echo"});
    ASSERT_EQ(replies.size(), 4u);
    EXPECT_EQ(replies[0].status, 200u);
    EXPECT_EQ(replies[1].body, "aa:bb");
    EXPECT_EQ(replies[2].status, 404u);
    EXPECT_EQ(replies[3].status, 200u);
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
    auto get = httpGet(port_, "/config/abc");
    auto head = httpGet(port_, "/config/abc", {}, "HEAD");
    EXPECT_EQ(head.status, 200u);
    EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
    EXPECT_TRUE(head.body.empty());
}

TEST_F(ServerTest, ErrorsAndMethods) {
    EXPECT_EQ(httpGet(port_, "/fail").status, 500u);
    EXPECT_EQ(httpGet(port_, "/echo", {}, "POST").status, 405u);
    EXPECT_EQ(httpGet(port_, "/echo?mac=%zz").status, 400u);
}

TEST_F(ServerTest, MalformedAndOversizedRequestsAreRefusedNotFatal) {
    auto garbage = rawExchange(port_, "\x01\x02 garbage\r\n\r\n");
    EXPECT_NE(garbage.find("400"), std::string::npos);
    auto absolute = rawExchange(port_, "GET http://x/echo HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(absolute.find("400"), std::string::npos);
    std::string huge =
        "GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
    EXPECT_NE(rawExchange(port_, huge).find("431"), std::string::npos);
    std::string body = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n";
    EXPECT_NE(rawExchange(port_, body).find("413"), std::string::npos);
    // Still serving.
    EXPECT_EQ(httpGet(port_, "/echo").status, 200u);
}

TEST_F(ServerTest, ObserverSeesEveryResponse) {
    httpGet(port_, "/echo");
    httpGet(port_, "/missing");
    // The observer runs after the response is written: wait for it, bounded.
    for (int i = 0; i < 200; ++i) {
        {
            std::lock_guard lock(mu_);
            if (seen_.size() >= 2)
                break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Each connection may be served by another thread, so the two may be observed in
    // either order.
    std::lock_guard lock(mu_);
    EXPECT_THAT(seen_, ::testing::UnorderedElementsAre("/echo:200", "/missing:404"));
}

TEST(ServerStart, BindFailureIsAnError) {
    ServerOptions opts;
    opts.address = "not-an-ip";
    Server bad(opts, Router{});
    EXPECT_FALSE(bad.start().isOk());

    ServerOptions ok;
    ok.address = "127.0.0.1";
    ok.port = 0;
    Server first(ok, Router{});
    ASSERT_TRUE(first.start().isOk());
    ServerOptions clash = ok;
    clash.port = first.port();
    Server second(clash, Router{});
    auto st = second.start();
    EXPECT_FALSE(st.isOk());
    EXPECT_NE(st.message().find("cannot listen"), std::string::npos);
}

}  // namespace
}  // namespace vq::http
