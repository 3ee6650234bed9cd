// The boot path over loopback: every host of every example gets, over HTTP, exactly the
// golden preview (with the agentURL it reached us on); the default script; errors; the
// checkpoint; the seed-era typed endpoints and their selector rules; events per host.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "http_client.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/routes.h"
#include "model/load.h"
#include "render/dot.h"

namespace vq::agent {
namespace {

namespace fs = std::filesystem;
using vq::testing::httpGet;

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
        s.replace(pos, from.size(), to);
    }
    return s;
}

struct Agent {
    std::shared_ptr<const model::Model> model;
    Timeline timeline;
    std::unique_ptr<http::Server> server;

    explicit Agent(std::shared_ptr<const model::Model> m, const std::string& site = {}) : model(m) {
        http::Router router;
        RouteContext ctx;
        ctx.model = [this] { return model; };
        ctx.site_id = site;
        if (!model->sites().empty() && !model->sites().front().agents.empty()) {
            ctx.agent = model->sites().front().agents.front();
        }
        ctx.agent.asset_server.base_dir = "/nonexistent";
        ctx.timeline = &timeline;
        addAgentRoutes(router, ctx);
        http::ServerOptions opts;
        opts.address = "127.0.0.1";
        opts.port = 0;
        server = std::make_unique<http::Server>(opts, std::move(router));
        server->setObserver(makeEventObserver(timeline));
        EXPECT_TRUE(server->start().isOk());
    }
    uint16_t port() const { return server->port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
};

class ExampleOverHttp : public ::testing::TestWithParam<const char*> {};

TEST_P(ExampleOverHttp, EveryHostGetsItsGoldenPreview) {
    const std::string example = GetParam();
    auto loaded = model::loadSot(fs::path("examples") / example);
    ASSERT_TRUE(loaded.model);
    ASSERT_FALSE(loaded.hasErrors());
    Agent agent(loaded.model);
    std::string slug = example;
    for (char& c : slug) {
        if (c == '/')
            c = '_';
    }
    const fs::path golden = fs::path("src/render/testdata/golden") / slug;
    size_t checked = 0;
    for (const auto& site : loaded.model->sites()) {
        const std::string preview_url = render::defaultAgentUrl(site);
        for (const auto& host : site.hosts) {
            const model::Interface* iface = nullptr;
            for (const auto& i : host.interfaces) {
                if (i.mac && i.type != "bmc") {
                    iface = &i;
                    break;
                }
            }
            ASSERT_NE(iface, nullptr);
            const auto* wf = loaded.model->workflow(host.workflow);
            ASSERT_NE(wf, nullptr);
            for (const auto& stage : wf->stages) {
                const std::string base = site.id + "." + host.name + "." + stage.boot;
                // iPXE sends the hyphen form; upper case as some inventories write MACs.
                std::string mac = iface->mac->toHyphenString();
                for (char& c : mac)
                    c = static_cast<char>(std::toupper(c));
                auto ipxe = httpGet(
                    agent.port(), "/ipxe?mac=" + mac + "&uuid=x&domain=&hostname=&platform=pcbios");
                ASSERT_EQ(ipxe.status, 200u) << base;
                EXPECT_EQ(ipxe.body,
                          replaceAll(readFile(golden / (base + ".ipxe")), preview_url, agent.url()))
                    << base;
                auto efi = httpGet(agent.port(), "/ipxe?mac=" + mac + "&platform=efi");
                EXPECT_EQ(efi.body, replaceAll(readFile(golden / (base + ".efi.ipxe")), preview_url,
                                               agent.url()))
                    << base;
                auto config = httpGet(agent.port(),
                                      "/config/" + iface->mac->toString() + "?boot=" + stage.boot);
                if (!fs::exists(golden / (base + ".config"))) {
                    EXPECT_EQ(config.status, 404u);
                    continue;
                }
                ASSERT_EQ(config.status, 200u) << base;
                EXPECT_EQ(config.body, replaceAll(readFile(golden / (base + ".config")),
                                                  preview_url, agent.url()))
                    << base;
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Examples,
    ExampleOverHttp,
    ::testing::Values("v0.14", "release-tag-2016", "vagrant-git-sot", "vagrant-lab/local"),
    [](const auto& param_info) {
        std::string n = param_info.param;
        for (char& c : n) {
            if (!std::isalnum(static_cast<unsigned char>(c)))
                c = '_';
        }
        return n;
    });

TEST(BootHttp, DefaultScriptErrorsCheckpointAndEvents) {
    auto loaded = model::loadSot("examples/v0.14");
    ASSERT_TRUE(loaded.model);
    Agent agent(loaded.model);
    auto boot = httpGet(agent.port(), "/boot.ipxe");
    EXPECT_EQ(boot.status, 200u);
    EXPECT_TRUE(boot.body.starts_with("#!ipxe\nchain ipxe?"));
    EXPECT_EQ(httpGet(agent.port(), "/boot-ipxe").body, boot.body);

    EXPECT_EQ(httpGet(agent.port(), "/ipxe?mac=00:00:00:00:0a:0a").status, 404u);
    EXPECT_EQ(httpGet(agent.port(), "/ipxe").status, 400u);
    EXPECT_EQ(httpGet(agent.port(), "/ipxe?mac=zz").status, 400u);
    EXPECT_EQ(httpGet(agent.port(), "/config/00:00:00:00:00:01?boot=clevos").status, 404u);
    EXPECT_EQ(httpGet(agent.port(), "/config/nonsense").status, 400u);

    auto config = httpGet(agent.port(), "/config/00-00-00-00-00-01");
    EXPECT_EQ(config.header("content-type"), "application/json");
    auto json = nlohmann::json::parse(config.body);
    EXPECT_EQ(json["ignition"]["version"], "2.0.0");
    EXPECT_EQ(httpGet(agent.port(), "/config/00:00:00:00:00:04").header("content-type"),
              "text/cloud-config; charset=utf-8");

    EXPECT_EQ(httpGet(agent.port(), "/checkpoint/00:00:00:00:00:01?boot=etcd-master").status, 200u);
    EXPECT_EQ(
        httpGet(agent.port(), "/checkpoint/00:00:00:00:00:01?boot=etcd-master", {}, "POST").status,
        200u);
    EXPECT_EQ(httpGet(agent.port(), "/checkpoint/00:00:00:00:00:01?boot=nope").status, 404u);

    auto events = nlohmann::json::parse(httpGet(agent.port(), "/events/00:00:00:00:00:01").body);
    std::vector<std::string> kinds;
    for (const auto& e : events["events"])
        kinds.push_back(e["kind"]);
    EXPECT_GE(std::count(kinds.begin(), kinds.end(), "HTTP_CHECKPOINT"), 2);
    EXPECT_GE(std::count(kinds.begin(), kinds.end(), "HTTP_CONFIG"), 1);

    // /files stays confined to its base directory.
    EXPECT_NE(httpGet(agent.port(), "/files/../../etc/passwd").status, 200u);
    EXPECT_NE(httpGet(agent.port(), "/files/%2e%2e/%2e%2e/etc/passwd").status, 200u);
}

// The seed document's selector rules on its own example: all selectors of a host must
// apply; the host with most matching selectors wins.
TEST(BootHttp, TypedEndpointsSelectBySelectors) {
    std::vector<model::SotFile> files = {
        {"sites/s/env.yml",
         "id: s\nsubnets:\n  - {id: n, cidr: 10.99.0.0/24, dns: [10.99.0.1], ntp: [10.99.0.1]}\n"
         "agent:\n  url: http://10.99.0.5\n  port: 8080\n"},
        {"sites/s/inventory.yml",
         "---\nboot: group_one\nhosts:\n- name: host1\n  selectors:\n    mac: 00:00:00:00:00:01\n"
         "---\nboot: group_two\nhosts:\n- name: host1_plus_some\n  selectors:\n"
         "    mac: 00:00:00:00:00:01\n    os: installed\n"},
        {"os/coreos.yml",
         "id: coreos\nmajor_version: '1'\nos_family: CoreOS\nboot:\n  kernel: k\n  initrd: [i]\n"},
        {"boot/one.yml",
         "id: group_one\noperating_system: coreos\nunattended: {type: ignition, "
         "use: one.yml}\n"},
        {"boot/two.yml",
         "id: group_two\noperating_system: coreos\nunattended: {type: ignition, "
         "use: two.yml}\n"},
        {"assets/ignition/one.yml", "systemd:\n  units:\n    - name: '{{ .host.name }}.service'\n"},
        {"assets/ignition/two.yml",
         "systemd:\n  units:\n    - name: '{{ .host.name }}-{{ .host.selectors.os }}.service'\n"},
    };
    auto loaded = model::loadSotFiles(files);
    ASSERT_TRUE(loaded.model);
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.toString();
    Agent agent(loaded.model);
    auto unit = [&](const std::string& target) {
        auto r = httpGet(agent.port(), target);
        if (r.status != 200)
            return std::to_string(r.status);
        return nlohmann::json::parse(r.body)["systemd"]["units"][0]["name"].get<std::string>();
    };
    EXPECT_EQ(unit("/ignition?mac=00:00:00:00:00:01"), "host1.service");
    EXPECT_EQ(unit("/ignition?mac=00:00:00:00:00:01&os=installed"),
              "host1_plus_some-installed.service");
    EXPECT_EQ(unit("/ignition?mac=00-00-00-00-00-01&os=other"), "host1.service");
    EXPECT_EQ(unit("/ignition?mac=00:00:00:00:00:02"), "404");
    EXPECT_EQ(unit("/cloud-config?mac=00:00:00:00:00:01"), "404");  // not its asset type
    EXPECT_EQ(httpGet(agent.port(), "/kickstart?mac=00:00:00:00:00:01").status, 404u);
    EXPECT_EQ(httpGet(agent.port(), "/untyped?mac=00:00:00:00:00:01").status, 404u);
}

// v0.14 hosts have no selectors: the typed endpoints find them by the MAC of any interface
// (any spelling) or by name, and serve exactly what /config/<mac> serves.
TEST(BootHttp, TypedEndpointsFindV014HostsByMacOrName) {
    auto loaded = model::loadSot("examples/v0.14");
    ASSERT_TRUE(loaded.model);
    Agent agent(loaded.model);
    auto config = httpGet(agent.port(), "/config/00:00:00:00:00:01");
    ASSERT_EQ(config.status, 200u);
    for (const char* target :
         {"/ignition?mac=00:00:00:00:00:01", "/ignition?mac=00-00-00-00-00-01",
          "/ignition?mac=000000000001", "/ignition?hostname=host1", "/ignition?name=host1",
          "/ignition?mac=00:00:00:00:00:01&hostname=host1&uuid=u&domain=d"}) {
        auto typed = httpGet(agent.port(), target);
        EXPECT_EQ(typed.status, 200u) << target;
        EXPECT_EQ(typed.header("content-type"), "application/json") << target;
        EXPECT_EQ(typed.body, config.body) << target;
    }
    // host1's second interface (its BMC) selects it too, as /config does.
    auto bmc = httpGet(agent.port(), "/ignition?mac=00:00:00:00:01:01");
    EXPECT_EQ(bmc.status, 200u);
    EXPECT_EQ(bmc.body, httpGet(agent.port(), "/config/00:00:00:00:01:01").body);

    EXPECT_EQ(httpGet(agent.port(), "/ignition?mac=00:00:00:00:0a:0a").status, 404u);
    EXPECT_EQ(httpGet(agent.port(), "/ignition?hostname=nobody").status, 404u);
    EXPECT_EQ(httpGet(agent.port(), "/ignition?mac=00:00:00:00:00:01&hostname=host2").status, 404u);
    EXPECT_EQ(httpGet(agent.port(), "/cloud-config?mac=00:00:00:00:00:01").status, 404u);
    EXPECT_EQ(httpGet(agent.port(), "/cloud-config?mac=00:00:00:00:00:04").header("content-type"),
              "text/cloud-config; charset=utf-8");
}

}  // namespace
}  // namespace vq::agent
