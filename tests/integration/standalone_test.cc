// `standalone` as an object, over loopback: a host with a two-stage workflow is served
// stage 1, its checkpoint moves it to stage 2, a restart on the same SavePath keeps it there,
// and the User API's override sends it back to stage 1. Everything is what `vaquero
// standalone` runs: the server (SoT directory, SQLite store, engine, User API) and the agent
// (boot routes, timeline) joined through the control interfaces, HTTP on 127.0.0.1.
#include "standalone/standalone.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "http_client.h"
#include "plan/plan.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "http/server.h"
#include "model/load.h"
#include "model/sot_bundle.h"
#include "render/boot_renderer.h"
#include "render/compiled.h"
#include "server/recording_effects.h"
#include "server/user_api.h"
#include "store/sqlite_db.h"
#include "store/sqlite_rollout_store.h"

namespace vq::standalone {
namespace {

namespace fs = std::filesystem;
using vq::testing::httpGet;

const char* const kMac = "52:54:00:12:34:56";

std::vector<model::SotFile> twoStageFiles(const std::string& site = "lab",
                                          const std::string& host = "node1") {
    return {
        {"sites/" + site + "/env.yml",
         "id: " + site +
             "\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    gateway: 10.99.0.1\n"
             "    dns: [10.99.0.2]\nagents:\n  - name: a1\n"
             "    asset_server: {addr: 10.99.0.5, port: 8080, base_dir: /nonexistent}\n"},
        {"sites/" + site + "/inventory.yml",
         "name: " + host + "\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: " + kMac +
             "\n    ipv4: 10.99.0.10\nworkflow: install-then-disk\n"},
        {"os/installer.yml",
         "id: installer\nmajor_version: '1'\nos_family: Linux\nboot:\n"
         "  kernel: \"{{.env.agentURL}}/files/installer/vmlinuz\"\n"
         "  initrd: [\"{{.env.agentURL}}/files/installer/initrd\"]\n"},
        {"os/localdisk.yml",
         "id: localdisk\nmajor_version: '1'\nos_family: Linux\nboot:\n"
         "  kernel: \"{{.env.agentURL}}/files/disk/vmlinuz\"\n"
         "  initrd: [\"{{.env.agentURL}}/files/disk/initrd\"]\n"},
        {"boot/install.yml", "id: install\noperating_system: installer\n"},
        {"boot/disk.yml", "id: disk\noperating_system: localdisk\n"},
        {"workflows/install-then-disk.yml",
         "id: install-then-disk\nworkflow:\n  - boot: install\n  - boot: disk\n"},
    };
}

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "vq-wf-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void writeSot(const fs::path& root, const std::vector<model::SotFile>& files) {
    for (const auto& f : files) {
        fs::create_directories((root / f.path).parent_path());
        std::ofstream(root / f.path) << f.data;
    }
}

// One `vaquero standalone`, HTTP only, on loopback ports of its own.
struct Service {
    std::unique_ptr<Standalone> s;

    Service(const fs::path& sot, const fs::path& save_path, server::Effects* effects = nullptr) {
        server::Config config;
        server::SotSourceConfig source;
        source.id = "local";
        source.root = sot.string();
        config.sots.push_back(source);
        config.save_path = save_path.string();
        config.user_api = {"127.0.0.1", 0};
        config.poll_interval_s = 1;
        StandaloneOptions options;
        options.listen = "127.0.0.1";
        options.http_port = 0;
        options.boot_services = false;
        options.effects = effects;
        auto created = Standalone::create(config, options);
        EXPECT_TRUE(created) << created.message();
        if (!created)
            return;
        s = std::move(*created);
        Status st = s->start();
        EXPECT_TRUE(st) << st.message();
    }
    uint16_t bootPort() const { return s->agent().httpPort(); }
    uint16_t userPort() const { return s->server().userApiPort(); }
    std::string ipxe() const { return httpGet(bootPort(), std::string("/ipxe?mac=") + kMac).body; }
    testing::HttpReply post(const std::string& target) const {
        return httpGet(userPort(), target, {}, "POST");
    }
};

bool servesStage(const std::string& script, const std::string& dir) {
    return script.find("/files/" + dir + "/vmlinuz") != std::string::npos;
}

TEST(WorkflowOverHttp, CheckpointRestartOverride) {
    TempDir dir;
    const fs::path save = dir.path / "state";
    const fs::path sot = dir.path / "sot";
    writeSot(sot, twoStageFiles());
    {
        Service svc(sot, save);
        ASSERT_TRUE(svc.s);
        EXPECT_TRUE(servesStage(svc.ipxe(), "installer")) << svc.ipxe();

        auto cp = httpGet(svc.bootPort(), std::string("/checkpoint/") + kMac + "?boot=install");
        EXPECT_EQ(cp.status, 200u);
        EXPECT_EQ(cp.body, "stage done: install -> disk (stage 2)\n");
        const std::string script = svc.ipxe();
        EXPECT_TRUE(servesStage(script, "disk")) << script;

        // A repeated stage-1 checkpoint is stale and does not move the host.
        cp = httpGet(svc.bootPort(), std::string("/checkpoint/") + kMac + "?boot=install");
        EXPECT_EQ(cp.status, 200u);
        EXPECT_EQ(cp.body.rfind("stale checkpoint", 0), 0u) << cp.body;
        EXPECT_EQ(httpGet(svc.bootPort(), std::string("/checkpoint/") + kMac + "?boot=nope").status,
                  404u);
        EXPECT_EQ(httpGet(svc.bootPort(), "/checkpoint/52:54:00:00:00:99").status, 404u);

        // The transitions are on the host's timeline.
        auto events =
            nlohmann::json::parse(svc.s->agent().timeline().hostJson(*MacAddr::parse(kMac)));
        std::vector<std::string> kinds;
        for (const auto& e : events["events"]) {
            if (e["source"] == "workflow")
                kinds.push_back(e["kind"]);
        }
        EXPECT_EQ(kinds, (std::vector<std::string>{"HOST_STAGE_DONE", "HOST_CHECKPOINT_STALE"}));
    }
    ASSERT_TRUE(fs::exists(save / "vaquero.db"));
    {
        Service svc(sot, save);  // restarted on the same SavePath
        ASSERT_TRUE(svc.s);
        EXPECT_TRUE(servesStage(svc.ipxe(), "disk")) << svc.ipxe();

        auto hosts = nlohmann::json::parse(httpGet(svc.userPort(), "/hosts").body);
        ASSERT_EQ(hosts["hosts"].size(), 1u);
        EXPECT_EQ(hosts["hosts"][0]["host"], "node1");
        EXPECT_EQ(hosts["hosts"][0]["boot"], "disk");
        EXPECT_EQ(hosts["hosts"][0]["checkpoints"], 2);

        EXPECT_EQ(httpGet(svc.userPort(), "/live").status, 200u);
        EXPECT_EQ(httpGet(svc.userPort(), "/ready").status, 200u);
        auto r = svc.post("/override?site=lab&host=node1");
        EXPECT_EQ(r.status, 400u);
        EXPECT_EQ(r.body, "One or more required parameters missing\n");
        r = svc.post("/override?site=lab&host=node9&boot=install");
        EXPECT_EQ(r.status, 404u);
        EXPECT_NE(r.body.find("unknown host 'node9'"), std::string::npos) << r.body;
        r = svc.post("/override?site=moon&host=node1&boot=install");
        EXPECT_EQ(r.status, 404u);
        r = svc.post("/override?site=lab&host=node1&boot=rescue");
        EXPECT_EQ(r.status, 404u);
        EXPECT_EQ(httpGet(svc.userPort(), "/override?site=lab&host=node1&boot=install").status,
                  405u);
        EXPECT_TRUE(servesStage(svc.ipxe(), "disk"));

        // The host may be named by its MAC, as the original's "usually MAC".
        r = svc.post(std::string("/override?site=lab&host=") + kMac + "&boot=install");
        EXPECT_EQ(r.status, 200u);
        EXPECT_EQ(r.body, "Host current boot reset correctly\n");
        EXPECT_TRUE(servesStage(svc.ipxe(), "installer")) << svc.ipxe();
    }
    {
        Service svc(sot, save);
        ASSERT_TRUE(svc.s);
        EXPECT_TRUE(servesStage(svc.ipxe(), "installer")) << svc.ipxe();
    }
}

// Two in one process: nothing is shared between them (no globals), each serves its own SoT
// and keeps its own state, and each stops on its own.
TEST(Standalone, TwoInOneProcess) {
    TempDir dir;
    writeSot(dir.path / "sot-a", twoStageFiles("east", "alpha"));
    writeSot(dir.path / "sot-b", twoStageFiles("west", "beta"));
    auto a = std::make_unique<Service>(dir.path / "sot-a", dir.path / "state-a");
    Service b(dir.path / "sot-b", dir.path / "state-b");
    ASSERT_TRUE(a->s);
    ASSERT_TRUE(b.s);
    EXPECT_NE(a->bootPort(), b.bootPort());
    EXPECT_EQ(a->s->agent().selection().site_id, "east");
    EXPECT_EQ(b.s->agent().selection().site_id, "west");

    auto cp = httpGet(a->bootPort(), std::string("/checkpoint/") + kMac + "?boot=install");
    EXPECT_EQ(cp.status, 200u) << cp.body;
    EXPECT_TRUE(servesStage(a->ipxe(), "disk"));
    EXPECT_TRUE(servesStage(b.ipxe(), "installer")) << "b's host did not move";
    auto hosts_a = nlohmann::json::parse(httpGet(a->userPort(), "/hosts").body);
    auto hosts_b = nlohmann::json::parse(httpGet(b.userPort(), "/hosts").body);
    ASSERT_EQ(hosts_a["hosts"].size(), 1u);
    EXPECT_EQ(hosts_a["hosts"][0]["host"], "alpha");
    ASSERT_EQ(hosts_b["hosts"].size(), 1u) << "known to the rollout, never checkpointed";
    EXPECT_EQ(hosts_b["hosts"][0]["host"], "beta");
    EXPECT_FALSE(hosts_b["hosts"][0].contains("checkpoints"));
    EXPECT_EQ(hosts_b["hosts"][0]["phase"], "provisioned");
    EXPECT_GT(a->s->server().eventsReported(), 0u) << "the agent reports its events up";

    const uint16_t a_port = a->bootPort();
    a.reset();  // stops a only
    EXPECT_EQ(httpGet(a_port, "/boot.ipxe").status, 0u) << "a no longer listens";
    EXPECT_EQ(httpGet(b.bootPort(), "/boot.ipxe").status, 200u);
}

// A SoT change is a new revision, pushed to the agent, which serves it.
TEST(Standalone, NewRevisionReachesTheAgent) {
    TempDir dir;
    const fs::path sot = dir.path / "sot";
    writeSot(sot, twoStageFiles());
    Service svc(sot, dir.path / "state");
    ASSERT_TRUE(svc.s);
    EXPECT_EQ(svc.s->agent().revision(), 1u);
    std::ofstream(sot / "os/installer.yml", std::ios::app)
        << "cmdline:\n  - marker: revision-two\n";
    // The watcher polls every PollInterval; bounded wait (PollInterval 1 s in this config).
    for (int i = 0; i < 50 && svc.s->agent().revision() < 2; ++i)
        usleep(100'000);
    EXPECT_EQ(svc.s->agent().revision(), 2u);
    EXPECT_NE(svc.ipxe().find("marker=revision-two"), std::string::npos) << svc.ipxe();
}

// A lab of three hosts with BMCs: one master, two workers that wait for it.
const char* const kMaster = "52:54:00:00:00:01";
const char* const kWorker1 = "52:54:00:00:00:02";
const char* const kWorker2 = "52:54:00:00:00:03";

std::string labHost(const std::string& name, const std::string& mac, int n, const std::string& wf) {
    return "---\nname: " + name +
           "\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: " + mac +
           "\n    ipv4: 10.99.0." + std::to_string(10 + n) +
           "\n  - type: bmc\n    subnet: net\n    mac: 52:54:00:00:01:0" + std::to_string(n) +
           "\n    ipv4: 10.99.1." + std::to_string(10 + n) +
           "\n    bmc:\n      type: ipmi\n      username: admin\n      password: secret\n"
           "workflow: " +
           wf + "\n";
}

std::string installerOs(const std::string& console) {
    return "id: installer\nmajor_version: '1'\nos_family: Linux\nboot:\n"
           "  kernel: \"{{.env.agentURL}}/files/installer/vmlinuz\"\n"
           "  initrd: [\"{{.env.agentURL}}/files/installer/initrd\"]\n"
           "cmdline:\n  - console: " +
           console + "\n";
}

std::vector<model::SotFile> labFiles() {
    auto files = twoStageFiles();
    files[1].data = labHost("m1", kMaster, 1, "masters") + labHost("w1", kWorker1, 2, "workers") +
                    labHost("w2", kWorker2, 3, "workers");
    files[2].data = installerOs("ttyS0");
    files[6] = {"workflows/masters.yml",
                "id: masters\nworkflow:\n  - boot: install\n  - boot: disk\n"
                "deps:\n  max_concurrent: 1\n  min_standing: 1\n"};
    files.push_back({"workflows/workers.yml",
                     "id: workers\nworkflow:\n  - boot: install\n  - boot: disk\n"
                     "deps:\n  block_deps: [masters]\n"});
    return files;
}

// Phase of every host, by name, from GET /hosts.
std::map<std::string, std::string> phases(const Service& svc) {
    std::map<std::string, std::string> out;
    auto j = nlohmann::json::parse(httpGet(svc.userPort(), "/hosts").body);
    for (const auto& h : j["hosts"])
        out[h["host"]] = h.value("phase", "?");
    return out;
}

bool waitForRevision(Service& svc, uint64_t n) {
    for (int i = 0; i < 80 && svc.s->server().stateEngine().revision() < n; ++i)
        usleep(100'000);
    return svc.s->server().stateEngine().revision() >= n;
}

std::vector<std::string> rebootedHosts(const server::RecordingEffects& fx) {
    std::vector<std::string> out;
    for (const auto& r : fx.requests())
        out.push_back(r.host + ":" + std::string(workflow::toString(r.kind)));
    return out;
}

void checkpointBoth(Service& svc, const char* mac) {
    for (const char* boot : {"install", "disk"}) {
        auto cp = httpGet(svc.bootPort(), std::string("/checkpoint/") + mac + "?boot=" + boot);
        EXPECT_EQ(cp.status, 200u) << cp.body;
    }
}

// A kernel argument edited in the SoT: the new revision puts all three hosts out of date,
// the master is rebooted first and alone, the workers only once it is provisioned; a
// comment-only change afterwards reprovisions nothing.
TEST(StateEngineOverHttp, KernelArgumentChangeRollsOutMasterThenWorkers) {
    TempDir dir;
    const fs::path sot = dir.path / "sot";
    writeSot(sot, labFiles());
    server::RecordingEffects fx;           // nothing is contacted: the test answers for the BMCs
    Service svc(sot, dir.path / "state");  // stopped before `fx` goes
    ASSERT_TRUE(svc.s);
    svc.s->server().stateEngine().setEffects(&fx);
    EXPECT_EQ(phases(svc),
              (std::map<std::string, std::string>{
                  {"m1", "provisioned"}, {"w1", "provisioned"}, {"w2", "provisioned"}}));

    auto before_edit = model::loadSot(sot).model;
    std::ofstream(sot / "os/installer.yml", std::ios::trunc) << installerOs("ttyS1");
    // What `vaquero plan --sot NEW --from OLD` prints for this edit, in its order.
    const plan::Plan printed = plan::computePlan(before_edit, model::loadSot(sot).model);
    std::vector<std::string> planned;
    for (const auto& sp : printed.sites) {
        for (const auto& hp : sp.hosts) {
            if (hp.wave > 0)
                planned.push_back(sp.site + "/" + hp.host + ":reboot");
        }
    }
    EXPECT_EQ(planned,
              (std::vector<std::string>{"lab/m1:reboot", "lab/w1:reboot", "lab/w2:reboot"}));
    ASSERT_TRUE(waitForRevision(svc, 2));
    ASSERT_TRUE(fx.waitFor(1, std::chrono::seconds(5)));
    EXPECT_EQ(phases(svc), (std::map<std::string, std::string>{
                               {"m1", "rebooting"}, {"w1", "pending"}, {"w2", "pending"}}));
    auto plan = nlohmann::json::parse(httpGet(svc.userPort(), "/plan").body);
    bool saw_workers = false;
    for (const auto& w : plan["workflows"]) {
        if (w["workflow"] != "workers")
            continue;
        saw_workers = true;
        EXPECT_NE(w["blocked"].get<std::string>().find("waiting for workflow lab/masters"),
                  std::string::npos)
            << w.dump();
        EXPECT_EQ(w["pending"], (nlohmann::json{"w1", "w2"}));
        EXPECT_EQ(w["phases"]["pending"], 2);
    }
    EXPECT_TRUE(saw_workers) << plan.dump();
    EXPECT_EQ(fx.requests()[0].target.address, "10.99.1.11") << "the BMC interface's address";
    EXPECT_EQ(fx.requests()[0].target.driver, "ipmi");

    // The master reboots, then checkpoints its two stages over HTTP; the workers wait.
    ASSERT_TRUE(fx.answer(0, true));
    EXPECT_EQ(phases(svc)["m1"], "booting");
    auto cp = httpGet(svc.bootPort(), std::string("/checkpoint/") + kMaster + "?boot=install");
    EXPECT_EQ(cp.status, 200u) << cp.body;
    EXPECT_EQ(fx.requests().size(), 1u) << "workers wait for the master";
    EXPECT_EQ(phases(svc)["w1"], "pending");
    cp = httpGet(svc.bootPort(), std::string("/checkpoint/") + kMaster + "?boot=disk");
    EXPECT_EQ(cp.status, 200u) << cp.body;
    EXPECT_EQ(phases(svc)["m1"], "provisioned");

    ASSERT_TRUE(fx.waitFor(3, std::chrono::seconds(5)));
    EXPECT_EQ(rebootedHosts(fx), planned) << "the order the plan printed is the order carried out";
    ASSERT_TRUE(fx.answer(1, true));
    ASSERT_TRUE(fx.answer(2, true));
    checkpointBoth(svc, kWorker1);
    checkpointBoth(svc, kWorker2);
    EXPECT_EQ(phases(svc),
              (std::map<std::string, std::string>{
                  {"m1", "provisioned"}, {"w1", "provisioned"}, {"w2", "provisioned"}}));
    auto hosts = nlohmann::json::parse(httpGet(svc.userPort(), "/hosts").body);
    for (const auto& h : hosts["hosts"]) {
        EXPECT_EQ(h["revision"], 2) << h.dump();
        EXPECT_EQ(h["boot"], "disk") << "stored progress is kept beside the rollout fields";
        EXPECT_FALSE(h["since"].get<std::string>().empty());
    }

    // The master's transitions, in order, on the API and on its timeline.
    auto story = nlohmann::json::parse(httpGet(svc.userPort(), "/hosts/lab/m1").body);
    std::vector<std::string> tos;
    for (const auto& t : story["transitions"])
        tos.push_back(t["to"]);
    EXPECT_EQ(tos, (std::vector<std::string>{"pending", "rebooting", "booting", "booting",
                                             "provisioned"}));
    EXPECT_NE(story["transitions"][0]["reason"].get<std::string>().find(
                  "stage 1 (boot install): iPXE script changed"),
              std::string::npos)
        << story.dump();
    EXPECT_EQ(httpGet(svc.userPort(), "/hosts/lab/nobody").status, 404u);
    auto events =
        nlohmann::json::parse(svc.s->agent().timeline().hostJson(*MacAddr::parse(kMaster)));
    int host_states = 0;
    for (const auto& e : events["events"]) {
        if (e["source"] == "engine" && e["kind"] == "HOST_STATE")
            ++host_states;
    }
    EXPECT_EQ(host_states, 5);

    // A comment alters no byte any host is served: a new revision, nothing reprovisioned.
    std::ofstream(sot / "os/installer.yml", std::ios::app) << "# a comment\n";
    ASSERT_TRUE(waitForRevision(svc, 3));
    EXPECT_EQ(fx.requests().size(), 3u);
    EXPECT_EQ(phases(svc),
              (std::map<std::string, std::string>{
                  {"m1", "provisioned"}, {"w1", "provisioned"}, {"w2", "provisioned"}}));

    // Operator requests.
    EXPECT_EQ(svc.post("/reprovision?site=lab").status, 400u);
    EXPECT_EQ(svc.post("/reprovision?site=lab&host=nobody").status, 404u);
    EXPECT_EQ(svc.post("/halt?site=lab&workflow=nope").status, 404u);
    EXPECT_EQ(svc.post("/halt?site=lab").status, 400u);
    EXPECT_EQ(svc.post("/halt?site=lab&workflow=workers").status, 200u);
    EXPECT_EQ(svc.post("/reprovision?site=lab&host=w2").status, 200u);
    EXPECT_EQ(phases(svc)["w2"], "pending") << "its workflow is halted";
    EXPECT_EQ(fx.requests().size(), 3u);
    EXPECT_EQ(svc.post("/resume?site=lab&workflow=workers").status, 200u);
    ASSERT_TRUE(fx.waitFor(4, std::chrono::seconds(5)));
    EXPECT_EQ(fx.requests()[3].host, "lab/w2");
    EXPECT_EQ(phases(svc)["w2"], "rebooting");
}

// What `vaquero preview --boot install` prints for a host of the SoT `m`, reached on `port`.
std::string previewInstall(const std::shared_ptr<const model::Model>& m,
                           const char* mac,
                           uint16_t port) {
    render::RendererOptions o;
    o.site = "lab";
    render::BootRenderer r(render::CompiledModel::build(m), o);
    return r.ipxe({mac, "install", "", "http://127.0.0.1:" + std::to_string(port)}).body;
}

// Each host is served from the revision it is pinned to: a host waiting its turn keeps the
// bytes it was provisioned from, a host in flight keeps its target's bytes while newer
// revisions arrive, across a restart too (the old revision comes back from the store), and
// a host gets the new bytes once the rollout re-provisions it.
TEST(StateEngineOverHttp, HostsAreServedFromTheRevisionTheyArePinnedTo) {
    TempDir dir;
    const fs::path sot = dir.path / "sot";
    writeSot(sot, labFiles());
    auto v1 = model::loadSot(sot).model;
    std::shared_ptr<const model::Model> v2, v3;
    auto ipxe = [](Service& svc, const char* mac) {
        return httpGet(svc.bootPort(), std::string("/ipxe?mac=") + mac + "&boot=install").body;
    };
    {
        server::RecordingEffects fx;
        Service svc(sot, dir.path / "state");
        ASSERT_TRUE(svc.s);
        svc.s->server().stateEngine().setEffects(&fx);
        const uint16_t port = svc.bootPort();
        EXPECT_EQ(ipxe(svc, kWorker1), previewInstall(v1, kWorker1, port));

        std::ofstream(sot / "os/installer.yml", std::ios::trunc) << installerOs("ttyS1");
        v2 = model::loadSot(sot).model;
        ASSERT_NE(previewInstall(v1, kMaster, port), previewInstall(v2, kMaster, port));
        ASSERT_TRUE(waitForRevision(svc, 2));
        ASSERT_TRUE(fx.waitFor(1, std::chrono::seconds(5)));
        EXPECT_EQ(ipxe(svc, kMaster), previewInstall(v2, kMaster, port)) << "in flight: rev 2";
        EXPECT_EQ(ipxe(svc, kWorker1), previewInstall(v1, kWorker1, port)) << "waiting: rev 1";
        ASSERT_TRUE(fx.answer(0, true));
        auto cp = httpGet(svc.bootPort(), std::string("/checkpoint/") + kMaster + "?boot=install");
        ASSERT_EQ(cp.status, 200u) << cp.body;

        std::ofstream(sot / "os/installer.yml", std::ios::trunc) << installerOs("ttyS2");
        v3 = model::loadSot(sot).model;
        ASSERT_TRUE(waitForRevision(svc, 3));
        EXPECT_EQ(ipxe(svc, kMaster), previewInstall(v2, kMaster, port))
            << "mid-install: no half-new config";
        EXPECT_EQ(ipxe(svc, kWorker1), previewInstall(v1, kWorker1, port));
    }
    // A restart on the same SavePath: the directory is revision 3 again, the pins hold, and
    // revision 1's model comes back from its stored files.
    server::RecordingEffects fx;
    Service svc(sot, dir.path / "state", &fx);
    ASSERT_TRUE(svc.s);
    const uint16_t port = svc.bootPort();
    EXPECT_EQ(svc.s->server().stateEngine().revision(), 3u)
        << "an unchanged SoT is no new revision";
    EXPECT_EQ(phases(svc)["m1"], "booting");
    EXPECT_EQ(ipxe(svc, kMaster), previewInstall(v2, kMaster, port));
    EXPECT_EQ(ipxe(svc, kWorker1), previewInstall(v1, kWorker1, port));
    // m1 finishes revision 2, then goes again for revision 3 and is served its bytes.
    auto cp = httpGet(svc.bootPort(), std::string("/checkpoint/") + kMaster + "?boot=disk");
    ASSERT_EQ(cp.status, 200u) << cp.body;
    ASSERT_TRUE(fx.waitFor(1, std::chrono::seconds(5)));
    EXPECT_EQ(fx.requests()[0].host, "lab/m1");
    EXPECT_EQ(ipxe(svc, kMaster), previewInstall(v3, kMaster, port));
    EXPECT_EQ(ipxe(svc, kWorker1), previewInstall(v1, kWorker1, port));
}

// A SoT edited while the server was down is the next revision, planned against the stored
// one (loaded from its files): the hosts it changes are out of date after the restart.
// Revision 1 served and stopped, then the installer OS edited while the server is down.
void servedOnceThenEdited(const fs::path& sot, const fs::path& state) {
    writeSot(sot, labFiles());
    {
        Service svc(sot, state);
        ASSERT_TRUE(svc.s);
        EXPECT_EQ(svc.s->server().stateEngine().revision(), 1u);
    }
    std::ofstream(sot / "os/installer.yml", std::ios::trunc) << installerOs("ttyS3");
}

// After the edit: m1 (the master) is power-cycled first, the workers wait for it.
void expectTheEditRollsOut(const Service& svc, server::RecordingEffects& fx) {
    ASSERT_TRUE(fx.waitFor(1, std::chrono::seconds(5)));
    EXPECT_EQ(fx.requests()[0].host, "lab/m1");
    EXPECT_EQ(phases(svc), (std::map<std::string, std::string>{
                               {"m1", "rebooting"}, {"w1", "pending"}, {"w2", "pending"}}));
}

TEST(StateEngineOverHttp, AnEditWhileDownIsTheNextRevisionAfterARestart) {
    TempDir dir;
    const fs::path sot = dir.path / "sot";
    ASSERT_NO_FATAL_FAILURE(servedOnceThenEdited(sot, dir.path / "state"));
    server::RecordingEffects fx;  // acts from the start: the new revision comes with it
    Service svc(sot, dir.path / "state", &fx);
    ASSERT_TRUE(svc.s);
    EXPECT_EQ(svc.s->server().stateEngine().revision(), 2u);
    ASSERT_EQ(fx.requests().size(), 1u);
    expectTheEditRollsOut(svc, fx);
    auto story = nlohmann::json::parse(httpGet(svc.userPort(), "/hosts/lab/w1").body);
    ASSERT_FALSE(story["transitions"].empty()) << story.dump();
    EXPECT_NE(story["transitions"][0]["reason"].get<std::string>().find("iPXE script changed"),
              std::string::npos)
        << story.dump();
}

// The server stopped after storing a revision and before planning it (two writes): the
// restart plans it again, so the hosts it changes go out of date instead of being taken as
// provisioned from it.
TEST(StateEngineOverHttp, ARevisionStoredButNotPlannedIsPlannedAfterARestart) {
    TempDir dir;
    const fs::path sot = dir.path / "sot";
    ASSERT_NO_FATAL_FAILURE(servedOnceThenEdited(sot, dir.path / "state"));
    {  // revision 2, stored as the server stores it before the rollout plans it
        auto db = store::SqliteDb::openDir((dir.path / "state").string());
        ASSERT_TRUE(db) << db.message();
        auto rollout = store::SqliteRolloutStore::on(*db);
        ASSERT_TRUE(rollout) << rollout.message();
        auto bundle = model::bundleOfDir(sot);
        ASSERT_TRUE(bundle) << bundle.message();
        ASSERT_TRUE((*rollout)->saveRevision(
            workflow::StoredRevision{2, "local", "", std::chrono::system_clock::now(), *bundle}));
        auto state = (*rollout)->loadRollout(1);
        ASSERT_TRUE(state) << state.message();
        EXPECT_EQ(state->follow, 1u) << "the first start stored the revision it planned";
    }
    server::RecordingEffects fx;
    Service svc(sot, dir.path / "state", &fx);
    ASSERT_TRUE(svc.s);
    EXPECT_EQ(svc.s->server().stateEngine().revision(), 2u) << "the SoT is revision 2: no third";
    expectTheEditRollsOut(svc, fx);
}

// A local SoT whose sites name a configuration directory (`config: {type: local}`): the
// definitions come from there, a restart with neither changed is no new revision (what is
// stored is the pair), and an edit in the directory is the next revision.
TEST(StateEngineOverHttp, ALocalSotTakesItsDefinitionsFromItsConfigurationDirectory) {
    TempDir dir;
    const fs::path sot = dir.path / "sot", defs = dir.path / "defs";
    std::vector<model::SotFile> sites, shared;
    for (auto& f : labFiles())
        (f.path.starts_with("sites/") ? sites : shared).push_back(f);
    sites.push_back({"sites/lab/cluster-config.yml",
                     "config:\n  id: defs\n  type: local\n  url: " + defs.string() + "\n"});
    writeSot(sot, sites);
    writeSot(defs, shared);
    auto ipxe = [](Service& svc) {
        return httpGet(svc.bootPort(), std::string("/ipxe?mac=") + kWorker1 + "&boot=install").body;
    };
    {
        Service svc(sot, dir.path / "state");
        ASSERT_TRUE(svc.s);
        EXPECT_EQ(svc.s->server().stateEngine().revision(), 1u);
        EXPECT_NE(ipxe(svc).find("ttyS0"), std::string::npos) << ipxe(svc);
    }
    server::RecordingEffects fx;  // the edit below reboots hosts: recorded, not sent
    Service svc(sot, dir.path / "state", &fx);
    ASSERT_TRUE(svc.s);
    EXPECT_EQ(svc.s->server().stateEngine().revision(), 1u) << "nothing changed: revision 1";
    std::ofstream(defs / "os/installer.yml", std::ios::trunc) << installerOs("ttyS7");
    ASSERT_TRUE(waitForRevision(svc, 2)) << "an edit in the configuration directory";
    ASSERT_TRUE(fx.waitFor(1, std::chrono::seconds(5)));
    EXPECT_EQ(fx.requests()[0].host, "lab/m1") << "the master first";
}

TEST(WorkflowOverHttp, ReadyOnlyOnceAModelIsLoaded) {
    std::shared_ptr<const model::Model> none;
    http::Router router;
    server::UserApiContext ctx;
    server::SotView view;
    view.model = [&none] { return none; };
    ctx.sots.push_back(view);
    server::addUserApiRoutes(router, ctx);
    http::ServerOptions opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    auto server = std::make_unique<http::Server>(opts, std::move(router));
    ASSERT_TRUE(server->start());
    EXPECT_EQ(httpGet(server->port(), "/ready").status, 500u);
    EXPECT_EQ(httpGet(server->port(), "/live").status, 200u);
    none = std::make_shared<const model::Model>();
    EXPECT_EQ(httpGet(server->port(), "/ready").status, 200u);
}

}  // namespace
}  // namespace vq::standalone
