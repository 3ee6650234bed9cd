// Workflows over loopback: a host with a two-stage workflow is served stage 1, its
// checkpoint moves it to stage 2, a restart on the same SavePath keeps it there, and the
// User API's override sends it back to stage 1. Everything is the real thing: the agent's
// routes, the SQLite store on disk, the User API routes, HTTP on 127.0.0.1.
#include <filesystem>

#include "http_client.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "agent/routes.h"
#include "agent/user_api.h"
#include "model/load.h"
#include "store/sqlite_progress_store.h"

namespace vq::agent {
namespace {

namespace fs = std::filesystem;
using vq::testing::httpGet;

const char* const kMac = "52:54:00:12:34:56";

std::shared_ptr<const model::Model> twoStageSot() {
    std::vector<model::SotFile> files = {
        {"sites/lab/env.yml",
         "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    gateway: 10.99.0.1\n"
         "    dns: [10.99.0.2]\nagents:\n  - name: a1\n"
         "    asset_server: {addr: 10.99.0.5, port: 8080}\n"},
        {"sites/lab/inventory.yml",
         std::string("name: node1\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: ") +
             kMac + "\n    ipv4: 10.99.0.10\nworkflow: install-then-disk\n"},
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
    auto loaded = model::loadSotFiles(files);
    EXPECT_TRUE(loaded.model);
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.toString();
    return loaded.model;
}

// One run of the service: store, engine, boot routes and User API, as standalone wires them.
struct Service {
    std::shared_ptr<const model::Model> model;
    Timeline timeline;
    std::unique_ptr<store::SqliteProgressStore> store;
    std::unique_ptr<workflow::WorkflowEngine> engine;
    std::unique_ptr<http::Server> boot, user;

    Service(std::shared_ptr<const model::Model> m, const fs::path& save_path) : model(m) {
        auto opened = store::SqliteProgressStore::openDir(save_path.string());
        EXPECT_TRUE(opened) << opened.message();
        store = std::move(*opened);
        engine = std::make_unique<workflow::WorkflowEngine>(*store, &timeline);
        EXPECT_TRUE(engine->loadAll());

        http::Router router;
        RouteContext ctx;
        ctx.model = [this] { return model; };
        ctx.site_id = "lab";
        ctx.agent = model->sites().front().agents.front();
        ctx.agent.asset_server.base_dir = "/nonexistent";
        ctx.timeline = &timeline;
        ctx.engine = engine.get();
        addAgentRoutes(router, ctx);
        boot = start(std::move(router));

        http::Router user_router;
        addUserApiRoutes(user_router, UserApiContext{[this] { return model; }, engine.get()});
        user = start(std::move(user_router));
    }
    static std::unique_ptr<http::Server> start(http::Router router) {
        http::ServerOptions opts;
        opts.address = "127.0.0.1";
        opts.port = 0;
        auto s = std::make_unique<http::Server>(opts, std::move(router));
        EXPECT_TRUE(s->start().isOk());
        return s;
    }
    std::string ipxe() const {
        return httpGet(boot->port(), std::string("/ipxe?mac=") + kMac).body;
    }
    testing::HttpReply post(const std::string& target) const {
        return httpGet(user->port(), target, {}, "POST");
    }
};

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

bool servesStage(const std::string& script, const std::string& dir) {
    return script.find("/files/" + dir + "/vmlinuz") != std::string::npos;
}

TEST(WorkflowOverHttp, CheckpointRestartOverride) {
    TempDir dir;
    const fs::path save = dir.path / "state";
    const auto model = twoStageSot();
    {
        Service svc(model, save);
        EXPECT_TRUE(servesStage(svc.ipxe(), "installer")) << svc.ipxe();

        auto cp = httpGet(svc.boot->port(), std::string("/checkpoint/") + kMac + "?boot=install");
        EXPECT_EQ(cp.status, 200u);
        EXPECT_EQ(cp.body, "stage done: install -> disk (stage 2)\n");
        const std::string script = svc.ipxe();
        EXPECT_TRUE(servesStage(script, "disk")) << script;

        // A repeated stage-1 checkpoint is stale and does not move the host.
        cp = httpGet(svc.boot->port(), std::string("/checkpoint/") + kMac + "?boot=install");
        EXPECT_EQ(cp.status, 200u);
        EXPECT_EQ(cp.body.rfind("stale checkpoint", 0), 0u) << cp.body;
        EXPECT_EQ(
            httpGet(svc.boot->port(), std::string("/checkpoint/") + kMac + "?boot=nope").status,
            404u);
        EXPECT_EQ(httpGet(svc.boot->port(), "/checkpoint/52:54:00:00:00:99").status, 404u);

        // The transitions are on the host's timeline.
        auto events = nlohmann::json::parse(svc.timeline.hostJson(*MacAddr::parse(kMac)));
        std::vector<std::string> kinds;
        for (const auto& e : events["events"]) {
            if (e["source"] == "workflow")
                kinds.push_back(e["kind"]);
        }
        EXPECT_EQ(kinds, (std::vector<std::string>{"HOST_STAGE_DONE", "HOST_CHECKPOINT_STALE"}));
    }
    ASSERT_TRUE(fs::exists(save / "vaquero.db"));
    {
        Service svc(model, save);  // restarted on the same SavePath
        EXPECT_TRUE(servesStage(svc.ipxe(), "disk")) << svc.ipxe();

        auto hosts = nlohmann::json::parse(httpGet(svc.user->port(), "/hosts").body);
        ASSERT_EQ(hosts["hosts"].size(), 1u);
        EXPECT_EQ(hosts["hosts"][0]["host"], "node1");
        EXPECT_EQ(hosts["hosts"][0]["boot"], "disk");
        EXPECT_EQ(hosts["hosts"][0]["checkpoints"], 2);

        EXPECT_EQ(httpGet(svc.user->port(), "/live").status, 200u);
        EXPECT_EQ(httpGet(svc.user->port(), "/ready").status, 200u);
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
        EXPECT_EQ(httpGet(svc.user->port(), "/override?site=lab&host=node1&boot=install").status,
                  405u);
        EXPECT_TRUE(servesStage(svc.ipxe(), "disk"));

        // The host may be named by its MAC, as the original's "usually MAC".
        r = svc.post(std::string("/override?site=lab&host=") + kMac + "&boot=install");
        EXPECT_EQ(r.status, 200u);
        EXPECT_EQ(r.body, "Host current boot reset correctly\n");
        EXPECT_TRUE(servesStage(svc.ipxe(), "installer")) << svc.ipxe();
    }
    {
        Service svc(model, save);
        EXPECT_TRUE(servesStage(svc.ipxe(), "installer")) << svc.ipxe();
    }
}

TEST(WorkflowOverHttp, ReadyOnlyOnceAModelIsLoaded) {
    std::shared_ptr<const model::Model> none;
    http::Router router;
    addUserApiRoutes(router, UserApiContext{[&none] { return none; }, nullptr});
    auto server = Service::start(std::move(router));
    EXPECT_EQ(httpGet(server->port(), "/ready").status, 500u);
    EXPECT_EQ(httpGet(server->port(), "/live").status, 200u);
    none = twoStageSot();
    EXPECT_EQ(httpGet(server->port(), "/ready").status, 200u);
}

}  // namespace
}  // namespace vq::agent
