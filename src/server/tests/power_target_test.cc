// A host's BMC block becomes the power target the drivers get: address, credentials and the
// firmware type a one-time network boot asks for (bmc.boot_type, legacy unless told).
#include "server/power_target.h"

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::server {
namespace {

std::shared_ptr<const model::Model> load(const std::string& bmc_extra) {
    std::vector<model::SotFile> files = {
        {"sites/lab/env.yml",
         "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    dns: [10.99.0.2]\n"
         "agents:\n  - name: a1\n    asset_server: {addr: 10.99.0.5, port: 8080}\n"},
        {"sites/lab/inventory.yml",
         "name: a\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:01\n"
         "    ipv4: 10.99.0.11\n  - type: bmc\n    subnet: net\n    mac: 52:54:00:00:01:01\n"
         "    ipv4: 10.99.0.21\n    bmc: {type: ipmi, username: u, password: p" +
             bmc_extra + "}\nworkflow: wf\n"},
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

Result<power::Target> targetOf(const std::string& bmc_extra) {
    auto m = load(bmc_extra);
    if (!m)
        return Status::error("model did not load");
    const model::Host* h = m->host("lab", "a");
    if (h == nullptr)
        return Status::error("no host a");
    return powerTarget(*h);
}

TEST(PowerTarget, BmcFieldsReachTheTarget) {
    auto t = targetOf(", soft_reboot: true, soft_timeout: 30");
    ASSERT_TRUE(t) << t.message();
    EXPECT_EQ(t->driver, "ipmi");
    EXPECT_EQ(t->address, "10.99.0.21");
    EXPECT_EQ(t->username, "u");
    EXPECT_TRUE(t->soft_reboot);
    EXPECT_EQ(t->soft_timeout, 30);
}

TEST(PowerTarget, LegacyBootUnlessTheBmcSaysEfi) {
    auto legacy = targetOf("");
    ASSERT_TRUE(legacy) << legacy.message();
    EXPECT_FALSE(legacy->efi_boot);
    auto said_legacy = targetOf(", boot_type: legacy");
    ASSERT_TRUE(said_legacy) << said_legacy.message();
    EXPECT_FALSE(said_legacy->efi_boot);
    auto efi = targetOf(", boot_type: efi");
    ASSERT_TRUE(efi) << efi.message();
    EXPECT_TRUE(efi->efi_boot);
}

}  // namespace
}  // namespace vq::server
