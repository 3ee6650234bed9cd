#include "render/task_containers.h"

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::render {
namespace {

std::shared_ptr<const model::Model> lab() {
    std::vector<model::SotFile> files = {
        {"sites/lab/env.yml",
         "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    gateway: 10.99.0.1\n"
         "    dns: [10.99.0.1]\n"
         "agents:\n  - name: a1\n    asset_server: {addr: 10.99.0.5, port: 8080}\n"
         "metadata: {dc: east}\n"},
        {"sites/lab/inventory.yml",
         "name: node1\ninterfaces:\n"
         "  - type: bmc\n    subnet: net\n    mac: 52:54:00:00:01:01\n    ipv4: 10.99.0.101\n"
         "    bmc:\n      type: custom\n      container:\n        image: ipmitool\n"
         "        args: [-H, '{{.interface.ipv4}}', -I, lanplus, power, cycle]\n"
         "  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:01\n    ipv4: 10.99.0.11\n"
         "workflow: w\n"},
        {"os/o.yml", "id: o\nmajor_version: '1'\nos_family: Linux\nboot: {kernel: k}\n"},
        {"boot/b.yml",
         "id: b\noperating_system: o\nvalidate:\n  - image: busybox\n"
         "    command: 'ping -c1 {{.interface.ipv4}} && echo {{.host.name}} {{.env.md.dc}}'\n"
         "    env: {NODE: '{{.host.name}}'}\n"},
        {"workflows/w.yml", "id: w\nworkflow:\n  - boot: b\n"},
    };
    auto r = model::loadSotFiles(files);
    for (const auto& d : r.diagnostics)
        ADD_FAILURE() << d.toString();
    return r.model;
}

TEST(TaskContainers, CustomBmcArgsSeeTheBmcInterface) {
    auto m = lab();
    ASSERT_TRUE(m);
    const model::Site& site = m->sites().front();
    const model::Host& host = site.hosts.front();
    const model::Interface& bmc = host.interfaces[0];
    ASSERT_TRUE(bmc.bmc && bmc.bmc->container);
    auto c = renderTaskContainer(*bmc.bmc->container, taskDot(site, host, &bmc, nullptr, *m));
    ASSERT_TRUE(c) << c.message();
    EXPECT_EQ(c->args,
              (std::vector<std::string>{"-H", "10.99.0.101", "-I", "lanplus", "power", "cycle"}));
}

TEST(TaskContainers, ValidateSeesTheBootInterfaceHostAndEnv) {
    auto m = lab();
    ASSERT_TRUE(m);
    const model::Site& site = m->sites().front();
    const model::Host& host = site.hosts.front();
    const model::Boot* boot = m->boot("b");
    ASSERT_TRUE(boot && !boot->validate.empty());
    auto c = renderTaskContainer(boot->validate[0], taskDot(site, host, nullptr, boot, *m));
    ASSERT_TRUE(c) << c.message();
    EXPECT_EQ(c->command, "ping -c1 10.99.0.11 && echo node1 east");
    ASSERT_EQ(c->env.size(), 1u);
    EXPECT_EQ(c->env[0].second, "node1");
}

TEST(TaskContainers, AMissingKeyIsAnErrorNamingTheField) {
    auto m = lab();
    ASSERT_TRUE(m);
    const model::Site& site = m->sites().front();
    const model::Host& host = site.hosts.front();
    model::Container c;
    c.image = "busybox";
    c.args = {"ok", "{{.host.nosuchkey}}"};
    auto r = renderTaskContainer(c, taskDot(site, host, nullptr, nullptr, *m));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.code(), StatusCode::invalid_argument);
    EXPECT_EQ(r.message().rfind("args[1]: ", 0), 0u) << r.message();
    c.args = {"{{.host.name"};
    EXPECT_FALSE(renderTaskContainer(c, taskDot(site, host, nullptr, nullptr, *m)));
}

}  // namespace
}  // namespace vq::render
