#include "server/config.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace vq::server {
namespace {

TEST(Config, DocumentedStandaloneSample) {
    const char* text = R"(
UserApi:
  Addr: "127.0.0.1"
  Port: 24604
ServerClient:
  Addr: "127.0.0.1"
  Port: 24601
  InsecureSkipVerify: true
ServerAPI:
  Addr: "127.0.0.1"
  Port: 24601
  PrivateKey: "functional/test/server.key"
  PublicKey: "functional/test/server.pem"
SavePath: "/var/vaquero"
Gitter:
  Endpoint: "/postreceive"
  Timeout: 2
  Addr: "127.0.0.1"
  Port: 24603
GitHook:
  - ID: "vaquero-git"
    Token: abc
    URL: "https://github.com/CiscoCloud/vaquero-examples"
    Secret: supersecretcode
LocalDir:
  PollInterval: 2
Revisions:
  Keep: 7
Tasks:
  PickupTimeout: 20
  Threads: 4
SoT:
- Local:
    ID: "vaquero-local"
    Root: examples/etcd-cluster
- Git:
    HookID: "vaquero-git"
    ID: "vaquero-test"
    Branch: master
Log:
  Level: info
  Location: stdout
  LogType: text
Etcd:
  Root: "vaquero1"
  Endpoints:
  - "http://127.0.0.1:2379"
  Timeout: 5
  Retry: 3
  HA: true
)";
    auto r = parseConfig(text, "standalone.yaml");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
    const auto& c = r.config;
    EXPECT_EQ(c.revisions_keep, 7);
    EXPECT_EQ(c.tasks.pickup_timeout_s, 20);
    EXPECT_EQ(c.tasks.threads, 4);
    EXPECT_EQ(c.user_api.port, 24604);
    EXPECT_TRUE(c.server_client.insecure_skip_verify);
    EXPECT_EQ(c.server_api.private_key, "functional/test/server.key");
    EXPECT_EQ(c.gitter.listen.port, 24603);
    ASSERT_EQ(c.git_hooks.size(), 1u);
    EXPECT_EQ(c.git_hooks[0].secret, "supersecretcode");
    EXPECT_EQ(c.poll_interval_s, 2);
    ASSERT_EQ(c.sots.size(), 2u);
    EXPECT_EQ(c.sots[0].kind, SotSourceConfig::Kind::Local);
    EXPECT_EQ(c.sots[0].root, "examples/etcd-cluster");
    EXPECT_EQ(c.sots[1].kind, SotSourceConfig::Kind::Git);
    EXPECT_EQ(c.sots[1].branch, "master");
    EXPECT_EQ(c.log.type, "text");
    EXPECT_TRUE(c.etcd.present);
    EXPECT_TRUE(c.etcd.ha);
    EXPECT_EQ(c.etcd.timeout_s, 5);
}

TEST(Config, DefaultsWhenAbsent) {
    auto r = parseConfig("", "empty.yaml");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.config.save_path, "/var/vaquero");
    EXPECT_EQ(r.config.poll_interval_s, 10);
    EXPECT_EQ(r.config.server_api.endpoint.port, 24601);
    EXPECT_EQ(r.config.server_client.endpoint.addr, "127.0.0.1");
    EXPECT_EQ(r.config.gitter.endpoint, "/postreceive");
    EXPECT_EQ(r.config.log.level, "info");
    EXPECT_FALSE(r.config.etcd.present);
    EXPECT_EQ(r.config.etcd.root, "vaqueroServer");
}

TEST(Config, EtcdTlsFiles) {
    auto r = parseConfig(
        "Etcd:\n  Endpoints: [https://10.0.0.5:2379]\n  CAFile: /pki/ca.pem\n"
        "  CertFile: /pki/vq.pem\n  KeyFile: /pki/vq.key\n",
        "tls.yaml");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
    EXPECT_EQ(r.config.etcd.ca_file, "/pki/ca.pem");
    EXPECT_EQ(r.config.etcd.cert_file, "/pki/vq.pem");
    EXPECT_EQ(r.config.etcd.key_file, "/pki/vq.key");
}

TEST(Config, EtcdTlsFilesNeedHttpsAndBothHalvesOfTheCertificate) {
    auto half = parseConfig(
        "Etcd:\n  Endpoints: [https://10.0.0.5:2379]\n  CertFile: /pki/vq.pem\n", "tls.yaml");
    ASSERT_FALSE(half.ok());
    EXPECT_NE(half.errors.front().find("both or neither"), std::string::npos)
        << half.errors.front();
    auto plain = parseConfig("Etcd:\n  Endpoints: [http://10.0.0.5:2379]\n  CAFile: /pki/ca.pem\n",
                             "tls.yaml");
    ASSERT_FALSE(plain.ok());
    EXPECT_NE(plain.errors.front().find("no endpoint is https://"), std::string::npos)
        << plain.errors.front();
}

TEST(Config, CaseInsensitiveKeysAndAddressSpelling) {
    auto r = parseConfig(
        "serverapi: {address: 10.0.0.1, port: 1}\nlog: {type: JSON}\n"
        "localdir: {pollinterval: 3}\n",
        "x.yaml");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_EQ(r.config.server_api.endpoint.addr, "10.0.0.1");
    EXPECT_EQ(r.config.log.type, "json");
    EXPECT_EQ(r.config.poll_interval_s, 3);
}

TEST(Config, BadValuesAreErrorsWithFileLine) {
    auto r = parseConfig(
        "ServerAPI:\n  Port: seventy\nLocalDir:\n  PollInterval: 0\n"
        "Log:\n  Level: loud\nSoT:\n- Local: {ID: a}\n- Git: {ID: b, HookID: nope}\n",
        "bad.yaml");
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 5u);
    EXPECT_EQ(r.errors[0].rfind("bad.yaml:2:9: ServerAPI.Port", 0), 0u) << r.errors[0];
    EXPECT_EQ(r.errors[1].rfind("bad.yaml:4:17: LocalDir.PollInterval", 0), 0u) << r.errors[1];
    EXPECT_NE(r.errors[2].find("Local.Root: required"), std::string::npos) << r.errors[2];
    EXPECT_NE(r.errors[3].find("no GitHook with ID 'nope'"), std::string::npos) << r.errors[3];
    EXPECT_NE(r.errors[4].find("Log.Level: unknown level 'loud'"), std::string::npos);
}

TEST(Config, GitSotDefaultsAndBinding) {
    auto r = parseConfig(
        "GitHook:\n- {ID: h, URL: 'file:///srv/sot.git', Secret: s}\n"
        "SoT:\n- Git: {ID: g, HookID: h}\n",
        "git.yaml");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    const Config& c = r.config;
    EXPECT_EQ(c.gitter.endpoint, "/postreceive");
    EXPECT_EQ(c.gitter.listen.addr, "127.0.0.1");
    EXPECT_EQ(c.gitter.listen.port, 24603);
    EXPECT_EQ(c.gitter.timeout_s, 2);
    ASSERT_EQ(c.sots.size(), 1u);
    EXPECT_EQ(c.sots[0].hook_id, "h");
    EXPECT_EQ(c.sots[0].branch, "master");  // with a warning saying so
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("Git.Branch: not set"), std::string::npos) << r.warnings[0];
}

TEST(Config, GitMisconfigurationsAreErrors) {
    auto r = parseConfig(
        "GitHook:\n- {ID: h, Secret: s}\n- {ID: h, URL: u}\n"
        "SoT:\n- Git: {ID: g, HookID: other, Branch: main}\n- Git: {ID: '..', HookID: h}\n"
        "- {}\n",
        "git.yaml");
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 5u) << r.errors.front();
    EXPECT_NE(r.errors[0].find("GitHook[0].URL: required"), std::string::npos) << r.errors[0];
    EXPECT_NE(r.errors[1].find("duplicate GitHook ID 'h'"), std::string::npos) << r.errors[1];
    EXPECT_NE(r.errors[2].find("no GitHook with ID 'other'"), std::string::npos) << r.errors[2];
    EXPECT_NE(r.errors[3].find("'..' cannot name a directory"), std::string::npos) << r.errors[3];
    EXPECT_NE(r.errors[4].find("exactly one of Local or Git"), std::string::npos) << r.errors[4];
    // A hook without a secret works, with a warning (deliveries are not authenticated).
    bool warned = false;
    for (const auto& w : r.warnings)
        warned = warned || w.find("GitHook[1].Secret: not set") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST(Config, UnknownAndLegacyKeysWarn) {
    auto r = parseConfig("SavePaht: /x\nDHCPMode: server\nLog: {Levle: debug}\n", "w.yaml");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.warnings.size(), 3u);
    EXPECT_NE(r.warnings[0].find("unknown key 'Log.Levle'"), std::string::npos) << r.warnings[0];
    EXPECT_NE(r.warnings[1].find("DHCPMode is ignored"), std::string::npos) << r.warnings[1];
    EXPECT_NE(r.warnings[2].find("unknown key 'SavePaht'"), std::string::npos) << r.warnings[2];
}

TEST(Config, SyntaxErrorAndNonMap) {
    auto r = parseConfig("a: [1, 2\n", "s.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors[0].rfind("s.yaml:", 0), 0u);
    EXPECT_FALSE(parseConfig("- 1\n- 2\n", "l.yaml").ok());
    EXPECT_FALSE(loadConfig("/nonexistent/vaquero.yaml").ok());
}

TEST(Config, EveryLabConfigParses) {
    for (const auto& e : std::filesystem::directory_iterator("examples/vagrant-lab/config")) {
        auto r = loadConfig(e.path().string());
        EXPECT_TRUE(r.ok()) << e.path() << ": " << (r.errors.empty() ? "" : r.errors.front());
        EXPECT_TRUE(r.warnings.empty()) << e.path() << ": " << r.warnings.front();
    }
    auto dir = loadConfig("examples/vagrant-lab/config/dir-sot.yaml");
    ASSERT_EQ(dir.config.sots.size(), 1u);
    EXPECT_EQ(dir.config.sots[0].root, "/vagrant/local");
    EXPECT_EQ(dir.config.poll_interval_s, 1);
    EXPECT_EQ(dir.config.log.level, "debug");
}

}  // namespace
}  // namespace vq::server

namespace vq::server {
namespace {

TEST(Config, ContainersEngineAndItsOptions) {
    auto d = parseConfig("", "empty.yaml");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.config.containers.engine, "podman");
    EXPECT_TRUE(d.config.containers.global_args.empty());
    EXPECT_EQ(d.config.containers.timeout_s, 600);

    auto r = parseConfig(
        "Containers:\n  Engine: docker\n  Binary: /usr/bin/docker\n"
        "  GlobalArgs: [--runtime, runc, --cgroup-manager, cgroupfs]\n"
        "  RunArgs: [--ulimit, nofile=1024:1024]\n  Timeout: 120\n",
        "c.yaml");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_EQ(r.config.containers.engine, "docker");
    EXPECT_EQ(r.config.containers.binary, "/usr/bin/docker");
    EXPECT_EQ(r.config.containers.global_args,
              (std::vector<std::string>{"--runtime", "runc", "--cgroup-manager", "cgroupfs"}));
    EXPECT_EQ(r.config.containers.run_args,
              (std::vector<std::string>{"--ulimit", "nofile=1024:1024"}));
    EXPECT_EQ(r.config.containers.timeout_s, 120);

    auto bad = parseConfig("Containers:\n  Engine: rkt\n  GlobalArgs: --runtime\n", "b.yaml");
    ASSERT_FALSE(bad.ok());
    ASSERT_EQ(bad.errors.size(), 2u);
    EXPECT_NE(bad.errors[0].find("Containers.GlobalArgs: expected a list"), std::string::npos)
        << bad.errors[0];
    EXPECT_EQ(bad.errors[1].rfind("b.yaml:2:11: Containers.Engine: 'rkt'", 0), 0u) << bad.errors[1];
}

TEST(Config, UserApiTokenAndReadWithoutToken) {
    auto r = parseConfig("UserApi:\n  Port: 24604\n  Token: \"t0k\"\n  ReadWithoutToken: true\n",
                         "c.yaml");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
    EXPECT_EQ(r.config.user_api_token, "t0k");
    EXPECT_TRUE(r.config.user_api_read_without_token);
    auto none = parseConfig("UserApi:\n  Port: 24604\n", "c.yaml");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none.config.user_api_token.empty());
    EXPECT_FALSE(none.config.user_api_read_without_token);
}

}  // namespace
}  // namespace vq::server

namespace vq::server {
namespace {

TEST(Config, AgentCaFile) {
    auto r = parseConfig("ServerClient:\n  Addr: 10.0.0.1\n  CAFile: /etc/vaquero/ca.pem\n",
                         "agent.yaml");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
    EXPECT_EQ(r.config.server_client.ca_file, "/etc/vaquero/ca.pem");
    EXPECT_TRUE(parseConfig("ServerClient: {}\n", "a.yaml").config.server_client.ca_file.empty());
}

}  // namespace
}  // namespace vq::server
