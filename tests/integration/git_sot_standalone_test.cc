// `standalone` fed from git, over loopback: a bare repository reached over file://, a
// signed push webhook on the Gitter's port, and the agent serving the pushed revision
// (new revision number, commit recorded). Refusals leave the served revision alone.
#include <filesystem>
#include <optional>
#include <string>

#include "git/hub_signature.h"
#include "git/testing/local_remote.h"
#include "http_client.h"
#include "standalone/standalone.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "server/gitter.h"

namespace vq::standalone {
namespace {

namespace fs = std::filesystem;
using vq::testing::httpGet;

constexpr const char* kSecret = "It's a Secret to Everybody";
constexpr const char* kMac1 = "52:54:00:00:00:01";
constexpr const char* kMac2 = "52:54:00:00:00:02";

std::string host(const std::string& name, const std::string& mac) {
    return "name: " + name + "\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: " + mac +
           "\n    ipv4: 10.99.0.10\nworkflow: install\n";
}

void writeSot(git::testing::LocalRemote& r) {
    r.write("sites/lab/env.yml",
            "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    gateway: 10.99.0.1\n"
            "    dns: [10.99.0.2]\nagents:\n  - name: a1\n"
            "    asset_server: {addr: 10.99.0.5, port: 8080, base_dir: /nonexistent}\n");
    r.write("sites/lab/hosts.yml", host("node1", kMac1));
    r.write("os/installer.yml",
            "id: installer\nmajor_version: '1'\nos_family: Linux\nboot:\n"
            "  kernel: \"{{.env.agentURL}}/files/installer/vmlinuz\"\n");
    r.write("boot/install.yml", "id: install\noperating_system: installer\n");
    r.write("workflows/install.yml", "id: install\nworkflow:\n  - boot: install\n");
}

// POSTs a push event for `ref` to the Gitter, signed with `secret` (unsigned when empty);
// returns the status and body.
std::pair<unsigned, std::string> deliver(uint16_t port,
                                         const std::string& hook,
                                         const std::string& ref,
                                         const std::string& secret) {
    const std::string body = nlohmann::json{{"ref", ref}, {"after", "x"}}.dump();
    std::string req = "POST /postreceive/" + hook +
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "X-GitHub-Event: push\r\nConnection: close\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n";
    if (!secret.empty())
        req +=
            "X-Hub-Signature-256: sha256=" + git::hubSignatureHex("sha256", secret, body) + "\r\n";
    const std::string raw = vq::testing::rawExchange(port, req + "\r\n" + body);
    unsigned status = 0;
    if (raw.size() > 12)
        status = static_cast<unsigned>(std::atoi(raw.substr(9, 3).c_str()));
    const auto split = raw.find("\r\n\r\n");
    return {status, split == std::string::npos ? std::string() : raw.substr(split + 4)};
}

TEST(GitSotStandalone, PushWebhookServesTheNewRevision) {
    if (!git::testing::LocalRemote::gitAvailable())
        GTEST_SKIP() << "the git command is not installed";
    const fs::path root = fs::path(::testing::TempDir()) /
                          ("vq_git_sot_standalone" + std::string("-") + std::to_string(::getpid()) +
                           "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    git::testing::LocalRemote remote(root / "remote");
    ASSERT_TRUE(remote.ok());
    writeSot(remote);
    const std::string first = remote.commitAndPush("first");
    ASSERT_FALSE(first.empty());

    server::Config config;
    config.save_path = (root / "save").string();
    config.user_api = {"127.0.0.1", 0};
    config.gitter.listen = {"127.0.0.1", 0};
    config.git_hooks.push_back({"sot-hook", "", remote.url(), kSecret});
    server::SotSourceConfig sot;
    sot.kind = server::SotSourceConfig::Kind::Git;
    sot.id = "from-git";
    sot.hook_id = "sot-hook";
    sot.branch = "main";
    config.sots.push_back(sot);
    StandaloneOptions options;
    options.listen = "127.0.0.1";
    options.http_port = 0;
    options.boot_services = false;
    auto created = Standalone::create(config, options);
    ASSERT_TRUE(created) << created.message();
    Standalone& s = **created;
    ASSERT_TRUE(s.start());
    const uint16_t gitter = s.server().gitterPort();
    ASSERT_NE(gitter, 0);
    const auto ipxe = [&](const char* mac) {
        return httpGet(s.agent().httpPort(), std::string("/ipxe?mac=") + mac);
    };

    auto rev = s.server().revisions().latest();
    ASSERT_TRUE(rev);
    EXPECT_EQ(rev->number, 1u);
    EXPECT_EQ(rev->commit, first);
    EXPECT_EQ(ipxe(kMac1).status, 200u);
    EXPECT_NE(ipxe(kMac2).status, 200u);

    // A signed push: the agent serves the new host at once.
    remote.write("sites/lab/more.yml", host("node2", kMac2));
    const std::string second = remote.commitAndPush("node2");
    auto [status, body] = deliver(gitter, "sot-hook", "refs/heads/main", kSecret);
    EXPECT_EQ(status, 200u) << body;
    rev = s.server().revisions().latest();
    EXPECT_EQ(rev->number, 2u);
    EXPECT_EQ(rev->commit, second);
    EXPECT_EQ(ipxe(kMac2).status, 200u);

    // Wrong signature, unknown hook: refused before anything is fetched.
    remote.remove("sites/lab/more.yml");
    ASSERT_FALSE(remote.commitAndPush("node2 leaves").empty());
    EXPECT_EQ(deliver(gitter, "sot-hook", "refs/heads/main", "wrong secret").first, 401u);
    EXPECT_EQ(deliver(gitter, "sot-hook", "refs/heads/main", "").first, 401u);
    EXPECT_EQ(deliver(gitter, "nobody", "refs/heads/main", kSecret).first, 404u);
    // A body over the limit is refused before it is read.
    const std::string huge = vq::testing::rawExchange(
        gitter, "POST /postreceive/sot-hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                    std::to_string(server::kWebhookBodyLimit + 1) +
                    "\r\nConnection: close\r\n\r\n{");
    EXPECT_EQ(huge.rfind("HTTP/1.1 413", 0), 0u) << huge.substr(0, 80);
    EXPECT_EQ(s.server().revisions().latest()->number, 2u);
    EXPECT_EQ(ipxe(kMac2).status, 200u);

    // A push that breaks the SoT: 422, the errors on GET /sot, revision 2 keeps serving.
    remote.write("sites/lab/hosts.yml", host("node1", kMac1) + "workflow: gone\n");
    ASSERT_FALSE(remote.commitAndPush("broken").empty());
    auto refused = deliver(gitter, "sot-hook", "refs/heads/main", kSecret);
    EXPECT_EQ(refused.first, 422u) << refused.second;
    EXPECT_EQ(s.server().revisions().latest()->number, 2u);
    EXPECT_EQ(ipxe(kMac2).status, 200u);
    auto status_reply = httpGet(s.server().userApiPort(), "/sot");
    ASSERT_EQ(status_reply.status, 200u);
    auto j = nlohmann::json::parse(status_reply.body);
    EXPECT_EQ(j["kind"], "git");
    EXPECT_EQ(j["served_commit"], second);
    EXPECT_EQ(j["last_attempt"]["outcome"], "refused");
    ASSERT_FALSE(j["last_attempt"]["errors"].empty());
    EXPECT_EQ(j["last_attempt"]["errors"][0].get<std::string>().rfind("sites/lab/hosts.yml:", 0),
              0u)
        << status_reply.body;

    s.stop();
    created->reset();
    fs::remove_all(root);
}

}  // namespace
}  // namespace vq::standalone
