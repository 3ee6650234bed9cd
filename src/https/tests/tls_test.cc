// The HTTPS listener and client together on loopback, with a CA and certificates the test
// makes with the openssl command.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "https/testing/test_pki.h"
#include "https/tls_client.h"
#include "https/tls_server.h"
#include <gtest/gtest.h>

namespace vq::https {
namespace {

// A CA, a certificate for 127.0.0.1 signed by it, one for 127.0.0.2, and a self-signed one.
class Pki : public testing::TestPki {
public:
    Pki() : TestPki("tls") {
        ok_ = ca("ca") && issue("srv", "ca", "IP:127.0.0.1") &&
              issue("other", "ca", "IP:127.0.0.2") && selfSigned("self", "IP:127.0.0.1");
    }
    bool ok() const { return ok_; }

private:
    bool ok_ = false;
};

class TlsTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pki_ = new Pki(); }
    static void TearDownTestSuite() { delete pki_; }
    void SetUp() override {
        if (!pki_->ok())
            GTEST_SKIP() << "openssl command not available";
    }

    std::unique_ptr<TlsServer> serve(const std::string& name, http::Router router) {
        auto ctx = serverContext(pki_->file(name + ".pem"), pki_->file(name + ".key"));
        EXPECT_TRUE(ctx) << ctx.message();
        TlsServerOptions o;
        o.port = 0;
        auto s = std::make_unique<TlsServer>(o, *ctx, std::move(router));
        EXPECT_TRUE(s->start());
        return s;
    }
    std::unique_ptr<TlsClient> client(uint16_t port, ClientTrust trust) {
        TlsClientOptions o;
        o.port = port;
        o.trust = std::move(trust);
        auto c = TlsClient::create(o);
        EXPECT_TRUE(c) << c.message();
        return std::move(*c);
    }
    static http::Router echo() {
        http::Router r;
        r.exact(
            "/echo",
            [](const http::Request& req) {
                return http::Response::text(
                    200, req.body + "|" + std::string(req.query.get("x").value_or("")));
            },
            http::Methods{http::Method::post});
        return r;
    }
    static Pki* pki_;
};
Pki* TlsTest::pki_ = nullptr;

ClientRequest post(std::string body) {
    ClientRequest r;
    r.method = http::Method::post;
    r.target = "/echo?x=1";
    r.body = std::move(body);
    return r;
}

TEST_F(TlsTest, ClientTrustingTheCaTalksToTheServer) {
    auto server = serve("srv", echo());
    auto c = client(server->port(), ClientTrust{pki_->file("ca.pem"), false});
    auto r = c->send(post("hello"));
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "hello|1");
}

TEST_F(TlsTest, UnknownRouteIsAnHttpAnswerNotATransportError) {
    auto server = serve("srv", echo());
    auto c = client(server->port(), ClientTrust{pki_->file("ca.pem"), false});
    ClientRequest req;
    req.target = "/nothing";
    auto r = c->send(req);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(r->status, 404u);
}

TEST_F(TlsTest, SelfSignedCertificateIsRefusedUnlessInsecure) {
    auto server = serve("self", echo());
    auto strict = client(server->port(), ClientTrust{pki_->file("ca.pem"), false});
    auto r = strict->send(post("x"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.code(), StatusCode::unavailable);
    EXPECT_NE(r.message().find("certificate refused"), std::string::npos) << r.message();
    auto system_cas = client(server->port(), ClientTrust{});
    EXPECT_FALSE(system_cas->send(post("x")));
    auto insecure = client(server->port(), ClientTrust{"", true});
    auto ok = insecure->send(post("x"));
    ASSERT_TRUE(ok) << ok.message();
    EXPECT_EQ(ok->status, 200u);
}

TEST_F(TlsTest, CertificateForAnotherAddressIsRefused) {
    auto server = serve("other", echo());
    auto c = client(server->port(), ClientTrust{pki_->file("ca.pem"), false});
    auto r = c->send(post("x"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("certificate refused"), std::string::npos) << r.message();
}

TEST_F(TlsTest, MissingOrMismatchedKeyFilesAreNamed) {
    auto missing = serverContext(pki_->file("nope.pem"), pki_->file("srv.key"));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.message().find("nope.pem"), std::string::npos);
    auto mismatched = serverContext(pki_->file("srv.pem"), pki_->file("other.key"));
    ASSERT_FALSE(mismatched);
    EXPECT_NE(mismatched.message().find("does not match"), std::string::npos);
    auto bad_ca = TlsClient::create(TlsClientOptions{"127.0.0.1", 1, {pki_->file("nope"), false}});
    EXPECT_FALSE(bad_ca);
}

TEST_F(TlsTest, ABlockedHandlerDoesNotHoldOtherConnections) {
    std::mutex mu;
    std::condition_variable cv;
    bool release = false;
    http::Router r = echo();
    r.exact("/wait", [&](const http::Request&) {
        std::unique_lock lock(mu);
        cv.wait_for(lock, std::chrono::seconds(10), [&] { return release; });
        return http::Response::text(200, "released");
    });
    auto server = serve("srv", std::move(r));
    auto c = client(server->port(), ClientTrust{pki_->file("ca.pem"), false});
    std::atomic<bool> waited{false};
    std::thread waiter([&] {
        ClientRequest req;
        req.target = "/wait";
        auto w = c->send(req);
        waited = w && w->body == "released";
    });
    auto quick = c->send(post("fast"));
    ASSERT_TRUE(quick) << quick.message();
    EXPECT_EQ(quick->body, "fast|1");
    EXPECT_FALSE(waited.load());
    {
        std::lock_guard lock(mu);
        release = true;
    }
    cv.notify_all();
    waiter.join();
    EXPECT_TRUE(waited.load());
}

TEST_F(TlsTest, RequestsReuseTheirConnection) {
    http::Router r = echo();
    r.exact("/port", [](const http::Request& req) {
        return http::Response::text(200, std::to_string(req.remote.port));
    });
    auto server = serve("srv", std::move(r));
    auto c = client(server->port(), ClientTrust{pki_->file("ca.pem"), false});
    ClientRequest req;
    req.target = "/port";
    auto first = c->send(req);
    ASSERT_TRUE(first) << first.message();
    for (int i = 0; i < 20; ++i) {
        auto again = c->send(req);
        ASSERT_TRUE(again) << again.message();
        EXPECT_EQ(again->body, first->body) << "the same client port: the same connection";
    }
    EXPECT_EQ(c->connectionsOpened(), 1u);
}

TEST_F(TlsTest, AnIdleConnectionTheServerClosedIsReplacedUnseen) {
    auto ctx = serverContext(pki_->file("srv.pem"), pki_->file("srv.key"));
    ASSERT_TRUE(ctx);
    TlsServerOptions o;
    o.port = 0;
    o.read_timeout = std::chrono::milliseconds(100);  // closes idle connections quickly
    TlsServer server(o, *ctx, echo());
    ASSERT_TRUE(server.start());
    auto c = client(server.port(), ClientTrust{pki_->file("ca.pem"), false});
    ASSERT_TRUE(c->send(post("one")));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    auto r = c->send(post("two"));
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(r->body, "two|1");
    EXPECT_EQ(c->connectionsOpened(), 2u);
}

TEST_F(TlsTest, UnreachableServerIsUnavailable) {
    auto c = client(1, ClientTrust{pki_->file("ca.pem"), false});
    auto r = c->send(post("x"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.code(), StatusCode::unavailable);
    EXPECT_NE(r.message().find("connect"), std::string::npos);
}

}  // namespace
}  // namespace vq::https
