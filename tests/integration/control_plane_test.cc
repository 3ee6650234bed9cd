// `vaquero server` and `vaquero agent` as objects in one process, over loopback with TLS (a
// CA made with the openssl command): the agent (remote::RemoteLinks + agent::Agent) serves
// its site from what the ControlPlane sends, a SoT change reaches it, a checkpoint through
// it reaches the server's store, an outage queues the checkpoint until a new server on the
// same SavePath is up, an agent starts from its cache alone, and an unknown site is refused.
// An agent may talk to a server that does not lead (Etcd.HA): it forwards to the leader, and
// a checkpoint it cannot forward stays queued at the agent until a leader takes it.
#include "server/control_plane.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "http_client.h"
#include "remote/remote_links.h"
#include <gtest/gtest.h>
#include <unistd.h>

#include "agent/agent.h"
#include "server/follower_api.h"

namespace vq {
namespace {

namespace fs = std::filesystem;
using testing::httpGet;

const char* const kMac = "52:54:00:12:34:56";

void writeFile(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

void writeSite(const fs::path& sot, const std::string& site, const std::string& mac) {
    writeFile(sot / "sites" / site / "env.yml",
              "id: " + site +
                  "\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    gateway: 10.99.0.1\n"
                  "    dns: [10.99.0.2]\nagents:\n  - name: a1\n"
                  "    asset_server: {addr: 10.99.0.5, port: 8080}\n");
    writeFile(sot / "sites" / site / "inventory.yml",
              "name: node-" + site + "\ninterfaces:\n  - type: physical\n    subnet: net\n" +
                  "    mac: " + mac + "\n    ipv4: 10.99.0.10\nworkflow: two\n");
}

const char* const kEdgeMac = "52:54:00:12:34:57";

void writeSot(const fs::path& sot,
              const std::string& disk_dir,
              const std::vector<std::pair<std::string, std::string>>& sites = {
                  {"lab", kMac}, {"other", "52:54:00:00:00:99"}}) {
    for (const auto& [site, mac] : sites)
        writeSite(sot, site, mac);
    for (auto [os, dir] :
         {std::pair<std::string, std::string>{"installer", "installer"}, {"localdisk", disk_dir}}) {
        writeFile(sot / "os" / (os + ".yml"),
                  "id: " + os + "\nmajor_version: '1'\nos_family: Linux\nboot:\n" +
                      "  kernel: \"{{.env.agentURL}}/files/" + dir + "/vmlinuz\"\n");
    }
    writeFile(sot / "boot/install.yml", "id: install\noperating_system: installer\n");
    writeFile(sot / "boot/disk.yml", "id: disk\noperating_system: localdisk\n");
    writeFile(sot / "workflows/two.yml", "id: two\nworkflow:\n  - boot: install\n  - boot: disk\n");
}

template <typename F>
bool eventually(F f, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (f())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return f();
}

class ControlPlaneTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("vq-cp-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "pki");
        const std::string pki = (dir_ / "pki").string();
        const std::string cmd =
            "cd " + pki +
            " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
            "-subj /CN=ca && openssl req -newkey rsa:2048 -nodes -keyout s.key -out s.csr "
            "-subj /CN=s && (printf 'subjectAltName=IP:127.0.0.1' > s.ext) && openssl x509 -req "
            "-in s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out s.pem -extfile "
            "s.ext";
        if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0)
            GTEST_SKIP() << "openssl command not available";
        writeSot(dir_ / "sot", "disk");
        config_.sots.push_back(
            {server::SotSourceConfig::Kind::Local, "local", (dir_ / "sot").string(), "", ""});
        config_.save_path = (dir_ / "server").string();
        config_.user_api = {"127.0.0.1", 0};
        config_.poll_interval_s = 1;
        config_.server_api.endpoint = {"127.0.0.1", 0};
        config_.server_api.private_key = pki + "/s.key";
        config_.server_api.public_key = pki + "/s.pem";
    }
    void TearDown() override {
        agent_.reset();
        links_.reset();
        cp_.reset();
        fs::remove_all(dir_);
    }

    void startServer(const std::string& server_secret = "server") {
        server::ControlPlaneOptions o;
        o.secrets = {"shared", server_secret};
        o.watch_timeout = std::chrono::seconds(2);
        auto cp = server::ControlPlane::create(config_, o);
        ASSERT_TRUE(cp) << cp.message();
        cp_ = std::move(*cp);
        ASSERT_TRUE(cp_->start());
        // A restarted server comes back on the same port.
        config_.server_api.endpoint.port = cp_->serverApiPort();
    }

    Status startAgent(const std::string& site = "lab",
                      std::chrono::milliseconds wait = std::chrono::seconds(10)) {
        remote::RemoteOptions o;
        o.session.client.host = "127.0.0.1";
        o.session.client.port = static_cast<uint16_t>(config_.server_api.endpoint.port);
        o.session.client.trust.ca_file = (dir_ / "pki/ca.pem").string();
        o.session.shared_secret = "shared";
        o.session.site_id = site;
        o.session.agent_id = "a1";
        o.cache_dir = dir_ / ("agent-" + site);
        o.watch_wait = std::chrono::seconds(1);
        o.manifest_interval = std::chrono::milliseconds(200);
        o.retry = std::chrono::milliseconds(100);
        auto links = remote::RemoteLinks::create(o);
        if (!links)
            return links.status();
        links_ = std::move(*links);
        VQ_TRY(links_->start(wait));
        agent::AgentOptions ao;
        ao.site_id = site;
        ao.agent_id = "a1";
        ao.listen = "127.0.0.1";
        ao.http_port = 0;
        ao.boot_services = false;
        agent_ = std::make_unique<agent::Agent>(ao, links_->links());
        return agent_->start();
    }
    void stopAgent() {
        agent_.reset();
        links_.reset();
    }

    std::string ipxe(const std::string& boot = "", const std::string& mac = kMac) {
        return httpGet(agent_->httpPort(),
                       "/ipxe?mac=" + mac + (boot.empty() ? "" : "&boot=" + boot))
            .body;
    }
    bool serves(const std::string& dir,
                const std::string& boot = "",
                const std::string& mac = kMac) {
        return ipxe(boot, mac).find("/files/" + dir + "/vmlinuz") != std::string::npos;
    }
    // Why a server with config_ does not start ("" when it does).
    std::string refusal() {
        server::ControlPlaneOptions o;
        o.secrets = {"shared", "server"};
        auto cp = server::ControlPlane::create(config_, o);
        return cp ? std::string() : cp.message();
    }
    // A second SoT, "edge-sot", whose site "edge" boots its own disk.
    void addEdgeSot(const std::vector<std::pair<std::string, std::string>>& sites = {
                        {"edge", kEdgeMac}}) {
        writeSot(dir_ / "sot2", "edge-disk", sites);
        config_.sots.push_back(
            {server::SotSourceConfig::Kind::Local, "edge-sot", (dir_ / "sot2").string(), "", ""});
    }
    bool serverHasHostAt(const std::string& boot) {
        return httpGet(cp_->userApiPort(), "/hosts").body.find("\"boot\":\"" + boot + "\"") !=
               std::string::npos;
    }
    testing::HttpReply checkpoint() {
        return httpGet(agent_->httpPort(), std::string("/checkpoint/") + kMac + "?boot=install");
    }

    fs::path dir_;
    server::Config config_;
    std::unique_ptr<server::ControlPlane> cp_;
    std::unique_ptr<remote::RemoteLinks> links_;
    std::unique_ptr<agent::Agent> agent_;
};

TEST_F(ControlPlaneTest, AgentServesItsSiteAndItsCheckpointReachesTheServer) {
    startServer();
    ASSERT_TRUE(startAgent());
    EXPECT_TRUE(serves("installer")) << ipxe();
    EXPECT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();
    auto cp = checkpoint();
    EXPECT_EQ(cp.status, 200u);
    EXPECT_EQ(cp.body, "stage done: install -> disk (stage 2)\n");
    EXPECT_TRUE(serverHasHostAt("disk"));
    EXPECT_TRUE(serves("disk")) << ipxe();
    const auto agents = httpGet(cp_->userApiPort(), "/agents").body;
    EXPECT_NE(agents.find("\"site\":\"lab\""), std::string::npos) << agents;
    EXPECT_NE(agents.find("\"agent\":\"a1\""), std::string::npos) << agents;
}

// The agent serves a checkpoint's answer at once; the manifest's deltas name only what moved
// on the server since the agent's last manifest, so a change the server made and undid
// meanwhile (the host back to its first stage by an override) must still reach it.
TEST_F(ControlPlaneTest, AnOverrideAfterACheckpointReachesTheAgent) {
    startServer();
    ASSERT_TRUE(startAgent());
    ASSERT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();
    ASSERT_EQ(checkpoint().status, 200u);
    ASSERT_TRUE(serves("disk")) << ipxe();
    const auto over =
        httpGet(cp_->userApiPort(), "/override?site=lab&host=node-lab&boot=install", {}, "POST");
    ASSERT_EQ(over.status, 200u) << over.body;
    EXPECT_TRUE(eventually([&] { return serves("installer"); })) << ipxe();
    // And the next checkpoint moves it on again, as the server says.
    ASSERT_EQ(checkpoint().status, 200u);
    EXPECT_TRUE(eventually([&] { return serves("disk"); })) << ipxe();
}

TEST_F(ControlPlaneTest, ANewRevisionReachesTheAgentWithinSeconds) {
    startServer();
    ASSERT_TRUE(startAgent());
    ASSERT_TRUE(serves("disk", "disk"));
    const auto t0 = std::chrono::steady_clock::now();
    writeSot(dir_ / "sot", "disk-v2");
    EXPECT_TRUE(eventually([&] { return serves("disk-v2", "disk"); })) << ipxe("disk");
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    // The SoT is polled every second; the push to the agent adds little.
    EXPECT_LT(ms, 5000);
}

// A host out of date waits for its turn on the revision it was provisioned from: the agent
// serves it that revision's bytes, not the newest revision's, until its rollout starts.
TEST_F(ControlPlaneTest, AnOutOfDateHostIsServedItsPinnedRevisionUntilItsTurn) {
    startServer();
    ASSERT_TRUE(startAgent());
    ASSERT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();
    ASSERT_TRUE(serves("disk", "disk"));
    const auto halt = httpGet(cp_->userApiPort(), "/halt?site=lab&workflow=two", {}, "POST");
    ASSERT_EQ(halt.status, 200u) << halt.body;
    const uint64_t before = links_->latest()->number;
    writeSot(dir_ / "sot", "disk-v2");
    auto pending = [&] {
        return httpGet(cp_->userApiPort(), "/hosts").body.find("\"phase\":\"pending\"") !=
               std::string::npos;
    };
    ASSERT_TRUE(eventually([&] { return links_->latest()->number > before && pending(); }))
        << httpGet(cp_->userApiPort(), "/hosts").body;
    ASSERT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(serves("disk", "disk"))
            << "pinned to the revision it was provisioned from: " << ipxe("disk");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // Four more revisions, so that the server no longer keeps revision 1's bundle among the
    // newest: it packs it from the revision the host is pinned to.
    for (int i = 1; i <= 4; ++i) {
        const uint64_t now = links_->latest()->number;
        writeFile(dir_ / "sot/os/extra.yml", "id: extra\nmajor_version: '" + std::to_string(i) +
                                                 "'\nos_family: Linux\nboot:\n  kernel: k\n");
        ASSERT_TRUE(eventually([&] { return links_->latest()->number > now; })) << i;
    }
    // An agent that never held that revision (a new one, no cache) fetches it for the host.
    stopAgent();
    fs::remove_all(dir_ / "agent-lab");
    ASSERT_TRUE(startAgent());
    EXPECT_TRUE(eventually([&] { return serves("disk", "disk"); }))
        << ipxe("disk") << httpGet(cp_->userApiPort(), "/hosts").body;
    // Its cache holds that revision too: started from it while the server is down, the agent
    // still serves the host its pinned revision.
    ASSERT_TRUE(eventually([&] { return fs::exists(dir_ / "agent-lab/pinned-1.zst"); }));
    stopAgent();
    cp_.reset();
    ASSERT_TRUE(startAgent("lab", std::chrono::seconds(1)));
    EXPECT_TRUE(serves("disk", "disk")) << "from the cache: " << ipxe("disk");
    startServer();
    ASSERT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();
    const auto resume = httpGet(cp_->userApiPort(), "/resume?site=lab&workflow=two", {}, "POST");
    ASSERT_EQ(resume.status, 200u) << resume.body;
    EXPECT_TRUE(eventually([&] { return serves("disk-v2", "disk"); })) << ipxe("disk");
}

TEST_F(ControlPlaneTest, CheckpointDuringAnOutageIsDeliveredToTheNextServer) {
    startServer();
    ASSERT_TRUE(startAgent());
    ASSERT_TRUE(serves("installer"));
    cp_.reset();  // the server is gone
    EXPECT_TRUE(serves("installer")) << "the agent keeps serving from what it has";
    auto cp = checkpoint();
    EXPECT_EQ(cp.status, 200u);
    EXPECT_NE(cp.body.find("queued"), std::string::npos) << cp.body;
    EXPECT_TRUE(serves("disk")) << "served what the server will serve once it knows";
    EXPECT_FALSE(links_->inSync());

    startServer();  // same SavePath, same port
    EXPECT_TRUE(eventually([&] { return serverHasHostAt("disk"); }))
        << httpGet(cp_->userApiPort(), "/hosts").body;
    EXPECT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();
}

TEST_F(ControlPlaneTest, AgentLogsInAgainWhenItsSessionIsRefused) {
    startServer();
    ASSERT_TRUE(startAgent());
    ASSERT_TRUE(eventually([&] { return links_->inSync(); }));
    cp_.reset();
    // A new server secret: every session the agent holds is refused from now on.
    startServer("another-server-secret");
    auto cp = checkpoint();
    EXPECT_EQ(cp.status, 200u);
    EXPECT_EQ(cp.body, "stage done: install -> disk (stage 2)\n");
    EXPECT_TRUE(serverHasHostAt("disk"));
    EXPECT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();
}

// The cache holds the first revision whole and the next as the delta it came as: the agent
// starts from the newest, the chain applied.
TEST_F(ControlPlaneTest, AgentStartsFromItsCacheWhenTheServerIsDown) {
    startServer();
    ASSERT_TRUE(startAgent());
    ASSERT_TRUE(eventually([&] { return links_->inSync(); }));
    writeSot(dir_ / "sot", "disk-v2");
    ASSERT_TRUE(eventually([&] { return serves("disk-v2", "disk"); })) << ipxe("disk");
    EXPECT_TRUE(fs::exists(dir_ / "agent-lab/delta-2.zst")) << "the change cached as its delta";
    stopAgent();
    cp_.reset();
    ASSERT_TRUE(startAgent("lab", std::chrono::seconds(1)));
    EXPECT_TRUE(serves("installer")) << ipxe();
    EXPECT_TRUE(serves("disk-v2", "disk")) << ipxe("disk");
    EXPECT_FALSE(links_->inSync());
}

TEST_F(ControlPlaneTest, NothingToServeWithoutServerOrCache) {
    config_.server_api.endpoint.port = 1;
    Status st = startAgent("lab", std::chrono::milliseconds(500));
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("no cached revision"), std::string::npos) << st.message();
}

TEST_F(ControlPlaneTest, UnknownSiteIsRefusedAtLogin) {
    startServer();
    Status st = startAgent("nowhere", std::chrono::seconds(2));
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("not served"), std::string::npos) << st.message();
}

// Two SoTs behind one server: each agent is served its own SoT's site, its checkpoint reaches
// that SoT's store, a change of one SoT is a revision of that SoT alone, and the User API
// answers for both.
TEST_F(ControlPlaneTest, EachSotServesTheAgentsOfItsOwnSites) {
    addEdgeSot();
    startServer();
    ASSERT_EQ(cp_->sots(), 2u);
    ASSERT_TRUE(startAgent("edge"));
    EXPECT_TRUE(serves("installer", "", kEdgeMac)) << ipxe("", kEdgeMac);
    EXPECT_TRUE(serves("edge-disk", "disk", kEdgeMac)) << ipxe("disk", kEdgeMac);
    ASSERT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();
    auto cp = httpGet(agent_->httpPort(), std::string("/checkpoint/") + kEdgeMac + "?boot=install");
    ASSERT_EQ(cp.status, 200u) << cp.body;
    EXPECT_EQ(cp_->server(1).engine().all().size(), 1u) << "stored in the edge SoT's store";
    EXPECT_TRUE(cp_->server(0).engine().all().empty()) << "nothing in the first SoT's store";
    EXPECT_TRUE(fs::exists(dir_ / "server/sots/edge-sot/vaquero.db"));
    EXPECT_TRUE(fs::exists(dir_ / "server/vaquero.db"));

    const uint16_t user_api = cp_->userApiPort();
    ASSERT_NE(user_api, 0u);
    const auto hosts = httpGet(user_api, "/hosts").body;
    EXPECT_NE(hosts.find("\"host\":\"node-edge\""), std::string::npos) << hosts;
    EXPECT_NE(hosts.find("\"host\":\"node-lab\""), std::string::npos) << hosts;
    const auto sot = httpGet(user_api, "/sot").body;
    EXPECT_NE(sot.find("\"edge-sot\""), std::string::npos) << sot;
    EXPECT_NE(httpGet(user_api, "/metrics").body.find("sot=\"edge-sot\""), std::string::npos);
    const auto halt = httpGet(user_api, "/halt?site=edge&workflow=two", {}, "POST");
    EXPECT_EQ(halt.status, 200u) << halt.body;
    EXPECT_NE(httpGet(user_api, "/plan").body.find("\"halted\":true"), std::string::npos);
    EXPECT_NE(httpGet(user_api, "/agents").body.find("\"site\":\"edge\""), std::string::npos);

    writeSot(dir_ / "sot2", "edge-disk-v2", {{"edge", kEdgeMac}});
    EXPECT_TRUE(eventually([&] { return cp_->server(1).stateEngine().revision() == 2; }));
    EXPECT_EQ(cp_->server(0).stateEngine().revision(), 1u) << "the other SoT did not change";
    stopAgent();

    ASSERT_TRUE(startAgent("lab"));
    EXPECT_TRUE(serves("installer")) << ipxe();
    EXPECT_EQ(ipxe("", kEdgeMac).find("edge"), std::string::npos) << "not the lab's host";
}

TEST_F(ControlPlaneTest, ASiteIsServedByOneSotOnly) {
    addEdgeSot({{"edge", kEdgeMac}, {"lab", "52:54:00:00:00:98"}});
    EXPECT_NE(refusal().find("site lab is served by SoT local"), std::string::npos) << refusal();
    // A reload that takes another SoT's site is refused; the SoT keeps its last revision.
    fs::remove_all(dir_ / "sot2");
    writeSot(dir_ / "sot2", "edge-disk", {{"edge", kEdgeMac}});
    startServer();
    writeSot(dir_ / "sot2", "edge-disk-v2", {{"edge", kEdgeMac}, {"other", "52:54:00:00:00:98"}});
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // two polls
    EXPECT_EQ(cp_->server(1).stateEngine().revision(), 1u);
    fs::remove_all(dir_ / "sot2/sites/other");
    EXPECT_TRUE(eventually([&] { return cp_->server(1).stateEngine().revision() == 2; }))
        << "the next good change is taken";
}

// Each SoT's state is kept where its place in SoT[] puts it: reordered, the list would give
// one SoT the other's hosts, so the server refuses to start.
TEST_F(ControlPlaneTest, SotsListedInAnotherOrderAreRefused) {
    addEdgeSot();
    startServer();
    cp_.reset();
    std::swap(config_.sots[0], config_.sots[1]);
    EXPECT_NE(refusal().find("holds the state of SoT 'local'"), std::string::npos) << refusal();
}

TEST_F(ControlPlaneTest, ThroughAFollowerACheckpointWaitsAtTheAgentUntilALeaderTakesIt) {
    startServer();
    const uint16_t leader_port = cp_->serverApiPort();
    std::mutex mu;
    std::string leader_value =
        "leader/1@127.0.0.1:1 server_api=127.0.0.1:" + std::to_string(leader_port);
    server::FollowerApiOptions fo;
    fo.listen = {"127.0.0.1", 0};
    fo.certificate = (dir_ / "pki/s.pem").string();
    fo.private_key = (dir_ / "pki/s.key").string();
    fo.leader_trust.ca_file = (dir_ / "pki/ca.pem").string();
    fo.self_id = "follower/2@127.0.0.1:1";
    fo.leader = [&]() -> Result<std::string> {
        std::lock_guard lock(mu);
        return leader_value;
    };
    auto follower = server::FollowerApi::create(std::move(fo));
    ASSERT_TRUE(follower) << follower.message();
    ASSERT_TRUE((*follower)->start());
    config_.server_api.endpoint.port = (*follower)->port();  // the agent talks to the follower
    ASSERT_TRUE(startAgent());
    EXPECT_TRUE(serves("installer")) << ipxe();
    ASSERT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();

    {
        std::lock_guard lock(mu);
        leader_value.clear();  // nobody leads: the follower answers 503
    }
    auto cp = checkpoint();
    EXPECT_EQ(cp.status, 200u);
    EXPECT_NE(cp.body.find("queued"), std::string::npos) << cp.body;
    EXPECT_FALSE(serverHasHostAt("disk")) << "not stored before a leader has it";
    EXPECT_FALSE(links_->inSync());

    {
        std::lock_guard lock(mu);
        leader_value = "leader/1@127.0.0.1:1 server_api=127.0.0.1:" + std::to_string(leader_port);
    }
    EXPECT_TRUE(eventually([&] { return serverHasHostAt("disk"); }))
        << httpGet(cp_->userApiPort(), "/hosts").body;
    EXPECT_TRUE(eventually([&] { return links_->inSync(); })) << links_->statusJson();
    stopAgent();
    (*follower)->stop();
}

}  // namespace
}  // namespace vq
