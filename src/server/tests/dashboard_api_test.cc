#include "server/dashboard_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/load.h"

namespace vq::server {
namespace {

std::shared_ptr<const model::Model> lab() {
    std::vector<model::SotFile> files = {
        {"sites/lab/env.yml",
         "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    dns: [10.99.0.2]\n"
         "agents:\n  - name: a1\n    asset_server: {addr: 10.99.0.5, port: 8080}\n"},
        {"sites/lab/inventory.yml",
         "name: a\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:01\n"
         "    ipv4: 10.99.0.11\n  - type: bmc\n    subnet: net\n    mac: 52:54:00:00:01:01\n"
         "    ipv4: 10.99.0.21\n    bmc: {type: ipmi, username: u, password: hunter2-canary}\n"
         "workflow: wf\n"},
        {"os/linux.yml",
         "id: linux\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: "
         "\"{{.env.agentURL}}/vmlinuz\"\n"},
        {"boot/b.yml", "id: b\noperating_system: linux\n"},
        {"workflows/wf.yml", "id: wf\nworkflow:\n  - boot: b\n"},
    };
    auto loaded = model::loadSotFiles(files);
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.toString();
    return loaded.model;
}

TEST(DashboardHosts, ListsHostsWithAddressesAndLastEventButNoBmc) {
    auto m = lab();
    ASSERT_TRUE(m);
    HostEventLog events;
    HostEvent e;
    e.kind = "HTTP_IPXE";
    e.mac = MacAddr::parse("52:54:00:00:00:01");
    events.record(*m, "lab", e);
    DashboardContext ctx;
    SotView view;
    view.model = [m] { return m; };
    view.host_events = &events;
    ctx.sots.push_back(view);
    const std::string body = dashboardHostsJson(ctx);
    EXPECT_EQ(body.find("hunter2-canary"), std::string::npos) << body;
    EXPECT_EQ(body.find("10.99.0.21"), std::string::npos) << "the BMC interface stays out";
    auto j = nlohmann::json::parse(body);
    ASSERT_EQ(j["sites"].size(), 1u);
    EXPECT_EQ(j["sites"][0]["id"], "lab");
    ASSERT_EQ(j["hosts"].size(), 1u);
    const auto& h = j["hosts"][0];
    EXPECT_EQ(h["host"], "a");
    EXPECT_EQ(h["workflow"], "wf");
    EXPECT_EQ(h["macs"], nlohmann::json::array({"52:54:00:00:00:01"}));
    EXPECT_EQ(h["ips"], nlohmann::json::array({"10.99.0.11"}));
    EXPECT_EQ(h["last"]["kind"], "HTTP_IPXE");
}

TEST(DashboardHosts, NoModelYetIsAnEmptyList) {
    DashboardContext ctx;
    auto j = nlohmann::json::parse(dashboardHostsJson(ctx));
    EXPECT_TRUE(j["hosts"].empty());
}

}  // namespace
}  // namespace vq::server
