#include "render/render_checks.h"

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::render {
namespace {

std::vector<model::SotFile> sot(const std::string& asset,
                                const std::string& type = "kickstart",
                                const std::string& name = "a.cfg") {
    return {
        {"sites/s/env.yml",
         "id: s\nsubnets:\n  - {id: n, cidr: 10.99.0.0/24, dns: [10.99.0.1], ntp: [10.99.0.1]}\n"
         "agents:\n  - name: a\n    asset_server: {addr: 10.99.0.5}\n"},
        {"sites/s/hosts.yml",
         "name: h1\ninterfaces:\n  - {type: physical, subnet: n, mac: '00:00:00:00:00:01', ipv4: "
         "10.99.0.11}\nworkflow: w\n---\nname: h2\ninterfaces:\n  - {type: physical, subnet: n, "
         "mac: '00:00:00:00:00:02', ipv4: 10.99.0.12}\nworkflow: w\n"},
        {"os/c.yml", "id: c\nmajor_version: '7'\nos_family: " +
                         std::string(type == "kickstart" ? "CentOS" : "CoreOS") +
                         "\nboot:\n  kernel: k\n  initrd: [i]\n"},
        {"boot/b.yml",
         "id: b\noperating_system: c\nunattended: {type: " + type + ", use: " + name + "}\n"},
        {"workflows/w.yml", "id: w\nworkflow:\n  - boot: b\n"},
        {"assets/" + type + "/" + name, asset},
    };
}

std::vector<model::Diagnostic> check(const std::vector<model::SotFile>& files) {
    auto loaded = model::loadSotFiles(files);
    EXPECT_TRUE(loaded.model);
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.toString();
    return renderChecks(loaded.model);
}

TEST(RenderChecks, CleanModelHasNothing) {
    EXPECT_TRUE(check(sot("install\nrootpw {{ .host.name }}\n")).empty());
}

TEST(RenderChecks, MissingKeyIsAnErrorReportedOnceWithACount) {
    auto d = check(sot("install\nrootpw {{ .host.metadata.pw }}\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].file, "assets/kickstart/a.cfg");
    EXPECT_EQ(d[0].line, 2);
    EXPECT_EQ(d[0].severity, model::Severity::Error);
    EXPECT_NE(d[0].message.find("host h1: boot b: template: assets/kickstart/a.cfg:2:"),
              std::string::npos)
        << d[0].message;
    EXPECT_NE(d[0].message.find("(and 1 more host)"), std::string::npos) << d[0].message;
}

TEST(RenderChecks, TypedChecks) {
    auto ks = check(sot("install\nbogus\n%post\n"));
    ASSERT_EQ(ks.size(), 2u);
    EXPECT_NE(ks[0].message.find("unknown kickstart command `bogus`"), std::string::npos);
    auto cc = check(sot("coreos: {}\n", "cloud-config", "c.yml"));
    ASSERT_EQ(cc.size(), 1u);
    EXPECT_NE(cc[0].message.find("#cloud-config"), std::string::npos);
    auto ign =
        check(sot("systemd:\n  units:\n    - name: a\n      enable: maybe\n", "ignition", "i.yml"));
    ASSERT_EQ(ign.size(), 1u);
    EXPECT_EQ(ign[0].path, "systemd.units[0].enable");
    EXPECT_EQ(ign[0].severity, model::Severity::Error);
}

TEST(RenderChecks, SelectorTiesWarn) {
    std::vector<model::SotFile> files = {
        {"sites/s/env.yml",
         "id: s\nsubnets:\n  - {id: n, cidr: 10.99.0.0/24, dns: [10.99.0.1], ntp: [10.99.0.1]}\n"
         "agent:\n  url: http://10.99.0.5\n  port: 8080\n"},
        {"sites/s/inventory.yml",
         "---\nboot: b\nhosts:\n- name: one\n  selectors:\n    mac: 00:00:00:00:00:01\n"
         "- name: two\n  selectors:\n    mac: 00:00:00:00:00:01\n"},
        {"os/c.yml",
         "id: c\nmajor_version: '1'\nos_family: CoreOS\nboot:\n  kernel: k\n  initrd: [i]\n"},
        {"boot/b.yml", "id: b\noperating_system: c\n"},
    };
    auto loaded = model::loadSotFiles(files);
    ASSERT_TRUE(loaded.model);
    auto d = renderChecks(loaded.model);
    ASSERT_EQ(d.size(), 1u) << (d.empty() ? "" : d[0].toString());
    EXPECT_EQ(d[0].severity, model::Severity::Warning);
    EXPECT_NE(d[0].message.find("same selectors as host one"), std::string::npos);
}

}  // namespace
}  // namespace vq::render
