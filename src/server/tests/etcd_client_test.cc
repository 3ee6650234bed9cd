// The etcd client built from an Etcd section with https:// endpoints: the in-memory etcd
// answers behind an HTTPS listener with a certificate from a CA the test makes (openssl
// command). Trusted CA: requests go through; another CA, or no trust given at all: refused
// with the reason; TLS settings that cannot be read: refused before any request.
#include "server/etcd_client.h"

#include "etcd/testing/fake_etcd.h"
#include "https/testing/test_pki.h"
#include "https/tls_context.h"
#include "https/tls_server.h"
#include <gtest/gtest.h>

namespace vq::server {
namespace {

// Two CAs; a certificate for 127.0.0.1 signed by the first; a client certificate too.
class Pki : public https::testing::TestPki {
public:
    Pki() : TestPki("etcd-tls") {
        ok_ = ca("ca") && ca("other-ca") && issue("member", "ca", "IP:127.0.0.1") &&
              issue("client", "ca", "DNS:client");
    }
    bool ok() const { return ok_; }

private:
    bool ok_ = false;
};

class EtcdClientTlsTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pki_ = new Pki(); }
    static void TearDownTestSuite() { delete pki_; }
    void SetUp() override {
        if (!pki_->ok())
            GTEST_SKIP() << "openssl command not available";
        auto ctx = https::serverContext(pki_->file("member.pem"), pki_->file("member.key"));
        ASSERT_TRUE(ctx) << ctx.message();
        http::Router router;
        // The gateway's paths, answered by the in-memory etcd.
        router.prefix("/v3/",
                      [this](const http::Request& r) {
                          http::Response out;
                          auto reply = fake_.post(r.path, r.body, std::chrono::seconds(5));
                          if (!reply) {
                              out.status = 503;
                              return out;
                          }
                          out.status = reply->status;
                          out.content_type = "application/json";
                          out.body = reply->body;
                          return out;
                      },
                      {http::Method::post});
        https::TlsServerOptions o;
        o.port = 0;
        member_ = std::make_unique<https::TlsServer>(o, *ctx, std::move(router));
        ASSERT_TRUE(member_->start());
    }
    void TearDown() override {
        if (member_)
            member_->stop();
    }
    EtcdConfig config() const {
        EtcdConfig c;
        c.present = true;
        c.endpoints = {"https://127.0.0.1:" + std::to_string(member_->port())};
        c.timeout_s = 2;
        c.retry = 0;
        return c;
    }

    static Pki* pki_;
    etcd::FakeEtcd fake_;
    std::unique_ptr<https::TlsServer> member_;
};
Pki* EtcdClientTlsTest::pki_ = nullptr;

TEST_F(EtcdClientTlsTest, TrustedMemberAnswersOverTls) {
    EtcdConfig c = config();
    c.ca_file = pki_->file("ca.pem");
    c.cert_file = pki_->file("client.pem");
    c.key_file = pki_->file("client.key");
    auto client = etcdClientFor(c);
    ASSERT_TRUE(client) << client.message();
    auto put = (*client)->put("vq/a", "over tls");
    ASSERT_TRUE(put) << put.message();
    auto got = (*client)->get("vq/a");
    ASSERT_TRUE(got) << got.message();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->value, "over tls");
    EXPECT_EQ(fake_.revision(), *put);
}

TEST_F(EtcdClientTlsTest, MemberSignedByAnotherCaIsRefusedWithTheReason) {
    EtcdConfig c = config();
    c.ca_file = pki_->file("other-ca.pem");
    auto client = etcdClientFor(c);
    ASSERT_TRUE(client) << client.message();
    auto put = (*client)->put("vq/a", "x");
    ASSERT_FALSE(put);
    EXPECT_EQ(put.code(), StatusCode::permission_denied);
    EXPECT_NE(put.message().find("certificate refused"), std::string::npos) << put.message();
    EXPECT_EQ(fake_.requests(), 0u);
}

TEST_F(EtcdClientTlsTest, WithoutTheCaTheSystemTrustRefusesATestCa) {
    auto client = etcdClientFor(config());
    ASSERT_TRUE(client) << client.message();
    auto got = (*client)->get("vq/a");
    ASSERT_FALSE(got);
    EXPECT_NE(got.message().find("tls handshake"), std::string::npos) << got.message();
}

TEST_F(EtcdClientTlsTest, AMemberNamedOtherwiseIsRefused) {
    EtcdConfig c = config();
    c.ca_file = pki_->file("ca.pem");
    // The certificate names 127.0.0.1, not localhost.
    c.endpoints = {"https://localhost:" + std::to_string(member_->port())};
    auto client = etcdClientFor(c);
    ASSERT_TRUE(client) << client.message();
    auto got = (*client)->get("vq/a");
    ASSERT_FALSE(got);
    EXPECT_NE(got.message().find("certificate refused"), std::string::npos) << got.message();
}

TEST_F(EtcdClientTlsTest, UnreadableTlsSettingsFailBeforeAnyRequest) {
    EtcdConfig c = config();
    c.ca_file = pki_->file("absent.pem");
    auto client = etcdClientFor(c);
    ASSERT_FALSE(client);
    EXPECT_NE(client.message().find("absent.pem"), std::string::npos) << client.message();

    c.ca_file = pki_->file("ca.pem");
    c.cert_file = pki_->file("client.pem");
    c.key_file = pki_->file("member.key");  // not the client certificate's key
    client = etcdClientFor(c);
    ASSERT_FALSE(client);
    EXPECT_NE(client.message().find("does not match"), std::string::npos) << client.message();
}

}  // namespace
}  // namespace vq::server
