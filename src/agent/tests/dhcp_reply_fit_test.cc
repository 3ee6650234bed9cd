#include "agent/dhcp_reply_fit.h"

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::agent {
namespace {

// A site of one host whose subnet carries `options` (YAML list items) as dhcp_options.
std::shared_ptr<const model::Model> site(const std::string& options) {
    std::vector<model::SotFile> files = {
        {"sites/lab/env.yml",
         "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    gateway: 10.99.0.1\n"
         "    dns: [10.99.0.2]\n" +
             (options.empty() ? std::string() : "    dhcp_options:\n" + options) +
             "agents:\n  - name: a1\n    asset_server: {addr: 10.99.0.5, port: 8080}\n"},
        {"sites/lab/hosts.yml",
         "name: node1\ninterfaces:\n  - type: physical\n    subnet: net\n"
         "    mac: 52:54:00:00:00:01\n    ipv4: 10.99.0.10\n    hostname: node1\n"
         "workflow: w\n"},
        {"os/linux.yml",
         "id: linux\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: http://x/vmlinuz\n"},
        {"boot/b.yml", "id: b\noperating_system: linux\n"},
        {"workflows/w.yml", "id: w\nworkflow:\n  - boot: b\n"}};
    auto loaded = model::loadSotFiles(files);
    EXPECT_FALSE(loaded.hasErrors());
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.toString();
    return loaded.model;
}

TEST(DhcpReplyFit, ASubnetWhoseReplyFitsIsNotReported) {
    auto m = site("      - {option: 42, type: addresses, value: '10.99.0.3'}\n");
    ASSERT_TRUE(m);
    EXPECT_TRUE(dhcpReplyFitChecks(*m).empty());
}

TEST(DhcpReplyFit, OptionsThatCannotFitIn576BytesAreNamedAtTheirSubnet) {
    const std::string big(250, 'x');
    auto m = site("      - {option: 224, type: string, value: '" + big +
                  "'}\n      - {option: 225, type: string, value: '" + big + "'}\n");
    ASSERT_TRUE(m);
    const auto diags = dhcpReplyFitChecks(*m);
    ASSERT_EQ(diags.size(), 1u);
    const model::Diagnostic& d = diags.front();
    EXPECT_EQ(d.file, "sites/lab/env.yml");
    EXPECT_EQ(d.line, 3);  // the subnet's own entry
    EXPECT_EQ(d.severity, model::Severity::Warning);
    EXPECT_NE(d.message.find("subnet net"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("node1"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("225"), std::string::npos) << d.message;
}

}  // namespace
}  // namespace vq::agent
