// A follower's ServerAPI between a client and a stand-in leader (an HTTPS listener on
// loopback), with a self-signed certificate the test makes with the openssl command.
#include "server/follower_api.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "control/wire.h"
#include "https/tls_client.h"
#include "https/tls_server.h"
#include <gtest/gtest.h>

namespace vq::server {
namespace {

namespace fs = std::filesystem;
namespace wire = control::wire;

class FollowerApiTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ =
            new fs::path(fs::temp_directory_path() / ("vq-follower-" + std::to_string(::getpid())));
        fs::create_directories(*dir_);
        ok_ = std::system(("cd " + dir_->string() +
                           " && openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out "
                           "c.pem -days 2 -subj /CN=vq -addext subjectAltName=IP:127.0.0.1 "
                           ">/dev/null 2>&1")
                              .c_str()) == 0;
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
    }
    void SetUp() override {
        if (!ok_)
            GTEST_SKIP() << "openssl command not available";
    }
    static std::string file(const char* name) { return (*dir_ / name).string(); }

    // The stand-in leader: echoes what it got, answers 204 to a manifest asking for it.
    void startLeader() {
        http::Router r;
        auto echo = [this](const http::Request& req) {
            ++leader_calls_;
            std::lock_guard lock(mu_);
            seen_auth_ = std::string(req.header("Authorization"));
            seen_target_ = req.target;
            seen_body_ = req.body;
            return http::Response::json(200, "{\"echo\":true}");
        };
        r.exact(std::string(wire::kCheckpoint), echo, http::Methods{http::Method::post});
        r.exact(std::string(wire::kBundle), echo);
        r.exact(std::string(wire::kManifest), [this](const http::Request&) {
            ++leader_calls_;
            return http::Response::text(204, "", "text/plain");
        });
        r.exact(
            std::string(wire::kLogin),
            [this](const http::Request&) {
                ++leader_calls_;
                return http::Response::json(403, wire::encodeError("site x is not served"));
            },
            http::Methods{http::Method::post});
        auto tls = https::serverContext(file("c.pem"), file("k.pem"));
        ASSERT_TRUE(tls) << tls.message();
        https::TlsServerOptions o;
        o.port = 0;
        leader_ = std::make_unique<https::TlsServer>(o, *tls, std::move(r));
        ASSERT_TRUE(leader_->start());
    }

    std::unique_ptr<FollowerApi> startFollower() {
        FollowerApiOptions fo;
        fo.listen = Endpoint{"127.0.0.1", 0};
        fo.certificate = file("c.pem");
        fo.private_key = file("k.pem");
        fo.leader_trust.ca_file = file("c.pem");
        fo.self_id = "me/1@127.0.0.1:1";
        fo.leader = [this]() -> Result<std::string> {
            std::lock_guard lock(mu_);
            return leader_value_;
        };
        auto api = FollowerApi::create(std::move(fo));
        EXPECT_TRUE(api) << api.message();
        EXPECT_TRUE((*api)->start());
        return std::move(*api);
    }

    void setLeader(std::string value) {
        std::lock_guard lock(mu_);
        leader_value_ = std::move(value);
    }
    std::string leaderAt(uint16_t port) {
        return "them/2@127.0.0.1:1 server_api=127.0.0.1:" + std::to_string(port);
    }

    https::ClientResponse call(uint16_t port, https::ClientRequest req) {
        https::TlsClientOptions o;
        o.port = port;
        o.trust.ca_file = file("c.pem");
        auto c = https::TlsClient::create(o);
        EXPECT_TRUE(c) << c.message();
        auto resp = (*c)->send(req);
        EXPECT_TRUE(resp) << resp.message();
        return resp ? *resp : https::ClientResponse{};
    }
    static https::ClientRequest checkpoint() {
        https::ClientRequest req;
        req.method = http::Method::post;
        req.target = std::string(wire::kCheckpoint);
        req.body = "{\"host\":\"node1\",\"boot\":\"disk\"}";
        req.headers.emplace_back("Authorization", "Bearer session-token");
        return req;
    }

    static fs::path* dir_;
    static bool ok_;
    std::unique_ptr<https::TlsServer> leader_;
    std::atomic<int> leader_calls_{0};
    std::mutex mu_;
    std::string leader_value_;
    std::string seen_auth_, seen_target_, seen_body_;
};

fs::path* FollowerApiTest::dir_ = nullptr;
bool FollowerApiTest::ok_ = false;

TEST_F(FollowerApiTest, ForwardsACallWithTheAgentsTokenAndRelaysTheAnswer) {
    startLeader();
    auto follower = startFollower();
    setLeader(leaderAt(leader_->port()));
    auto resp = call(follower->port(), checkpoint());
    EXPECT_EQ(resp.status, 200u);
    EXPECT_EQ(resp.body, "{\"echo\":true}");
    std::lock_guard lock(mu_);
    EXPECT_EQ(seen_auth_, "Bearer session-token");
    EXPECT_EQ(seen_target_, std::string(wire::kCheckpoint));
    EXPECT_EQ(seen_body_, "{\"host\":\"node1\",\"boot\":\"disk\"}");
}

TEST_F(FollowerApiTest, KeepsTheQueryAndRelaysRefusalsAndEmptyAnswers) {
    startLeader();
    auto follower = startFollower();
    setLeader(leaderAt(leader_->port()));
    https::ClientRequest bundle;
    bundle.target = std::string(wire::kBundle) + "?revision=3&have=2";
    EXPECT_EQ(call(follower->port(), bundle).status, 200u);
    {
        std::lock_guard lock(mu_);
        EXPECT_EQ(seen_target_, std::string(wire::kBundle) + "?revision=3&have=2");
    }
    https::ClientRequest manifest;
    manifest.target = std::string(wire::kManifest) + "?changes=4&wait=1";
    EXPECT_EQ(call(follower->port(), manifest).status, 204u);
    https::ClientRequest login;
    login.method = http::Method::post;
    login.target = std::string(wire::kLogin);
    login.body = "{}";
    auto refused = call(follower->port(), login);
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(wire::errorMessage(refused.body), "site x is not served");
}

TEST_F(FollowerApiTest, WithoutALeaderTheAnswerIs503AndNothingIsSent) {
    startLeader();
    auto follower = startFollower();
    setLeader("");
    auto resp = call(follower->port(), checkpoint());
    EXPECT_EQ(resp.status, 503u);
    EXPECT_NE(wire::errorMessage(resp.body).find("no server leads"), std::string::npos);
    // This server itself won: it does not send to itself either.
    setLeader("me/1@127.0.0.1:1 server_api=127.0.0.1:" + std::to_string(follower->port()));
    resp = call(follower->port(), checkpoint());
    EXPECT_EQ(resp.status, 503u);
    EXPECT_NE(wire::errorMessage(resp.body).find("taking over"), std::string::npos);
    EXPECT_EQ(leader_calls_.load(), 0);
}

TEST_F(FollowerApiTest, ALeaderThatDoesNotAnswerIs503) {
    startLeader();
    const uint16_t gone = leader_->port();
    leader_->stop();
    auto follower = startFollower();
    setLeader(leaderAt(gone));
    auto resp = call(follower->port(), checkpoint());
    EXPECT_EQ(resp.status, 503u);
    EXPECT_NE(wire::errorMessage(resp.body).find("did not answer"), std::string::npos);
}

TEST_F(FollowerApiTest, AnUnusableCertificateFailsTheStart) {
    FollowerApiOptions fo;
    fo.certificate = file("missing.pem");
    fo.private_key = file("k.pem");
    EXPECT_FALSE(FollowerApi::create(std::move(fo)));
}

}  // namespace
}  // namespace vq::server
