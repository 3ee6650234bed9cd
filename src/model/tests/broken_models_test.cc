// Table-driven suite of broken models: each case changes files of a small valid SoT
// (src/model/testdata/base) and asserts the exact file, line, path and message reported.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::model {
namespace {

struct Case {
    const char* name;
    std::vector<SotFile> overlay;  // replaces files with the same path, adds the others
    const char* file;
    int line;
    Severity severity;
    const char* path;
    const char* message;
};

std::vector<SotFile> baseFiles() {
    std::vector<SotFile> files;
    std::string error;
    EXPECT_TRUE(readSotDir("src/model/testdata/base", files, error)) << error;
    return files;
}

const char* const kHost =
    "name: node3\n"                 // 1
    "interfaces:\n"                 // 2
    "  - type: physical\n"          // 3
    "    subnet: net\n"             // 4
    "    mac: 52:54:00:00:00:03\n"  // 5
    "    ipv4: 10.99.0.13\n"        // 6
    "workflow: etcd\n";             // 7

std::string hostWith(const std::string& from, const std::string& to) {
    std::string s = kHost;
    const size_t at = s.find(from);
    if (at != std::string::npos)
        s.replace(at, from.size(), to);
    return s;
}

// src/model/testdata/base/sites/lab/env.yml, 16 lines.
const std::string kEnv =
    "id: lab\nname: Test lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n"
    "    gateway: 10.99.0.1\n    dns: [10.99.0.1]\n    ntp: [10.99.0.1]\n"
    "    domain: lab.example\nagents:\n  - name: agent1\n    asset_server:\n"
    "      addr: 10.99.0.2\n      port: 24602\nmetadata:\n  mirror: http://10.99.0.2/centos\n";

const Severity E = Severity::Error;
const Severity W = Severity::Warning;
const char* const kInv = "sites/lab/more.yml";

const std::vector<Case>& cases() {
    static const std::vector<Case> kCases = {
        {"yaml_syntax",
         {{kInv, "name: node3\nworkflow: [etcd\n"}},
         kInv,
         3,
         E,
         "",
         "YAML syntax error: end of sequence flow not found"},
        {"unknown_field_did_you_mean",
         {{kInv, hostWith("workflow: etcd", "worklfow: etcd")}},
         kInv,
         7,
         E,
         "worklfow",
         "unknown field \"worklfow\" (did you mean \"workflow\"?)"},
        {"missing_required_after_typo",
         {{kInv, hostWith("workflow: etcd", "worklfow: etcd")}},
         kInv,
         1,
         E,
         "workflow",
         "missing required field"},
        {"unknown_field_no_hint",
         {{"os/extra.yml", "id: x\ncolour: red\nboot: {kernel: k}\n"}},
         "os/extra.yml",
         2,
         E,
         "colour",
         "unknown field \"colour\""},
        {"wrong_type_int",
         {{"sites/lab/env.yml",
           "id: lab\nsubnets:\n- id: net\n  cidr: 10.99.0.0/24\n  dns: [10.99.0.1]\n  vlan: "
           "ten\nagents: [{name: a}]\n"}},
         "sites/lab/env.yml",
         6,
         E,
         "subnets[0].vlan",
         "expected an integer, got a string"},
        {"wrong_type_list",
         {{kInv, "name: node3\ninterfaces: eth0\nworkflow: etcd\n"}},
         kInv,
         2,
         E,
         "interfaces",
         "expected a list of interfaces, got a string"},
        {"wrong_type_bool",
         {{kInv, hostWith("workflow: etcd", "workflow: etcd\nnever_provision: [x]")}},
         kInv,
         8,
         E,
         "never_provision",
         "expected true or false, got a list"},
        {"document_not_a_map",
         {{"boot/list.yml", "- id: b\n"}},
         "boot/list.yml",
         1,
         E,
         "",
         "expected boot (a map), got a list"},
        {"missing_host_name",
         {{kInv, hostWith("name: node3\n", "")}},
         kInv,
         1,
         E,
         "name",
         "missing required field"},
        {"missing_cidr",
         {{"sites/lab/env.yml",
           "id: lab\nsubnets:\n- id: net\n  dns: [1.1.1.1]\nagents: [{name: a}]\n"}},
         "sites/lab/env.yml",
         3,
         E,
         "subnets[0].cidr",
         "missing required field"},
        {"missing_agents",
         {{"sites/lab/env.yml", "id: lab\nsubnets:\n- {id: net, cidr: 10.99.0.0/24, dns: [x]}\n"}},
         "sites/lab/env.yml",
         1,
         E,
         "agents",
         "missing required field (or the older `agent:` block)"},
        {"host_unknown_workflow",
         {{kInv, hostWith("workflow: etcd", "workflow: etc")}},
         kInv,
         7,
         E,
         "workflow",
         "unknown workflow \"etc\" (no workflows/ document has this id)"},
        {"workflow_unknown_boot",
         {{"workflows/x.yml", "id: x\nworkflow:\n  - boot: nope\n"}},
         "workflows/x.yml",
         3,
         E,
         "workflow[0].boot",
         "unknown boot \"nope\" (no boot/ document has this id)"},
        {"boot_unknown_os",
         {{"boot/x.yml", "id: x\noperating_system: windows\n"}},
         "boot/x.yml",
         2,
         E,
         "operating_system",
         "unknown os \"windows\" (no os/ document has this id)"},
        {"unattended_missing_asset",
         {{"boot/x.yml",
           "id: x\noperating_system: coreos\nunattended:\n  type: ignition\n  use: gone.yml\n"}},
         "boot/x.yml",
         5,
         E,
         "unattended.use",
         "no asset assets/ignition/gone.yml"},
        {"interface_unknown_subnet",
         {{kInv, hostWith("subnet: net", "subnet: dmz")}},
         kInv,
         4,
         E,
         "interfaces[0].subnet",
         "unknown subnet \"dmz\" (not in sites/lab/env.yml subnets)"},
        {"block_deps_unknown",
         {{"workflows/x.yml",
           "id: x\nworkflow: [{boot: etcd}]\ndeps:\n  block_deps: [etcd, ghost]\n"}},
         "workflows/x.yml",
         4,
         E,
         "deps.block_deps[1]",
         "unknown workflow \"ghost\""},
        {"validate_on_unknown",
         {{"workflows/x.yml",
           "id: x\nworkflow: [{boot: etcd}]\ndeps:\n  validate_on:\n  - ghost\n"}},
         "workflows/x.yml",
         5,
         E,
         "deps.validate_on[0]",
         "unknown workflow \"ghost\""},
        {"safe_deps_unknown_top_level",
         {{"workflows/x.yml", "id: x\nworkflow: [{boot: etcd}]\nsafe_deps: [ghost]\n"}},
         "workflows/x.yml",
         3,
         E,
         "deps.safe_deps[0]",
         "unknown workflow \"ghost\""},
        {"duplicate_os_id",
         {{"os/again.yml", "id: coreos\nboot: {kernel: k}\n"}},
         "os/again.yml",
         1,
         E,
         "id",
         "duplicate os id \"coreos\" (first defined at os/coreos.yml:2)"},
        {"duplicate_workflow_id",
         {{"workflows/dup.yml", "id: etcd\nworkflow: [{boot: etcd}]\n"}},
         "workflows/dup.yml",
         1,
         E,
         "id",
         "duplicate workflow id \"etcd\" (first defined at workflows/etcd.yml:1)"},
        {"duplicate_host_name",
         {{kInv, hostWith("node3", "node1")}},
         kInv,
         1,
         E,
         "name",
         "duplicate host name \"node1\" in site lab (first at sites/lab/inventory.yml:2)"},
        {"duplicate_mac",
         {{kInv, hostWith("52:54:00:00:00:03", "52-54-00-00-00-01")}},
         kInv,
         5,
         E,
         "interfaces[0].mac",
         "duplicate MAC 52:54:00:00:00:01 in site lab (also on host node1)"},
        {"malformed_mac",
         {{kInv, hostWith("52:54:00:00:00:03", "52:54:00:00:03")}},
         kInv,
         5,
         E,
         "interfaces[0].mac",
         "\"52:54:00:00:03\" is not a MAC address"},
        {"malformed_ipv4",
         {{kInv, hostWith("10.99.0.13", "10.99.0.256")}},
         kInv,
         6,
         E,
         "interfaces[0].ipv4",
         "\"10.99.0.256\" is not an IPv4 address"},
        {"malformed_cidr",
         {{"sites/lab/env.yml",
           "id: lab\nsubnets:\n- id: net\n  cidr: 10.99.0.0/33\n  dns: [10.99.0.1]\nagents: "
           "[{name: a}]\n"}},
         "sites/lab/env.yml",
         4,
         E,
         "subnets[0].cidr",
         "\"10.99.0.0/33\" is not a CIDR (expected a.b.c.d/len)"},
        {"ipv4_outside_subnet",
         {{kInv, hostWith("10.99.0.13", "10.98.0.13")}},
         kInv,
         6,
         W,
         "interfaces[0].ipv4",
         "address 10.98.0.13 of host node3 is outside subnet net (10.99.0.0/24)"},
        {"gateway_outside_subnet",
         {{"sites/lab/env.yml",
           "id: lab\nsubnets:\n- id: net\n  cidr: 10.99.0.0/24\n  gateway: 10.99.1.1\n  dns: "
           "[10.99.0.1]\n"
           "agents: [{name: a}]\n"}},
         "sites/lab/env.yml",
         5,
         W,
         "subnets[0].gateway",
         "gateway 10.99.1.1 is outside subnet net (10.99.0.0/24)"},
        {"unattended_unknown_type",
         {{"boot/x.yml",
           "id: x\noperating_system: coreos\nunattended: {type: kickseed, use: a}\n"}},
         "boot/x.yml",
         3,
         E,
         "unattended.type",
         "unknown unattended type \"kickseed\" (expected cloud-config, ignition, kickstart or "
         "untyped)"},
        {"unattended_inconsistent_family",
         {{"boot/x.yml",
           "id: x\noperating_system: centos\nunattended:\n  type: ignition\n  use: etcd.yml\n"}},
         "boot/x.yml",
         4,
         E,
         "unattended.type",
         "ignition does not fit os centos of family CentOS"},
        {"host_groups_layout",
         {{"host_groups/etcd.yml", "id: etcd\n"}},
         "host_groups/etcd.yml",
         0,
         E,
         "",
         "host_groups/ is the layout of Vaquero v0.9 and earlier, which this version does not "
         "load: "
         "move each host group into boot/ (the OS and unattended config) plus workflows/ (a list "
         "of boots), and point every host at its workflow with `workflow: <id>`"},
        {"host_group_document",
         {{kInv,
           "host_group: etcd\nsubnet: net\nhosts:\n- name: a\n  selectors: {mac: "
           "52:54:00:00:00:09}\n"}},
         kInv,
         1,
         E,
         "host_group",
         "host groups are the layout of Vaquero v0.9 and earlier: write one host per document with "
         "`workflow: <id>` (or `boot: <id>` plus `hosts:` with selectors)"},
        {"site_without_env",
         {{"sites/other/inventory.yml", kHost}},
         "sites/other/inventory.yml",
         0,
         E,
         "",
         "site \"other\" has no env.yml (sites/other/env.yml is required)"},
        {"bmc_unknown_type",
         {{kInv, hostWith("workflow: etcd", "workflow: etcd")
                     .replace(std::string(kHost).find("    ipv4"), 0, "    bmc: {type: cimc}\n")}},
         kInv,
         6,
         E,
         "interfaces[0].bmc.type",
         "unknown BMC type \"cimc\" (expected ipmi, ssh or custom)"},
        {"bmc_unknown_boot_type",
         {{kInv, std::string(kHost).replace(std::string(kHost).find("    ipv4"), 0,
                                            "    bmc: {type: ipmi, boot_type: uefi}\n")}},
         kInv,
         6,
         E,
         "interfaces[0].bmc.boot_type",
         "unknown boot type \"uefi\" (expected legacy or efi)"},
        {"dhcp_mode_unknown",
         {{"sites/lab/env.yml",
           "id: lab\nsubnets: [{id: net, cidr: 10.99.0.0/24, dns: [10.99.0.1]}]\nagents:\n- name: "
           "a\n  dhcp_mode: relay-only\n"}},
         "sites/lab/env.yml",
         5,
         E,
         "agents[0].dhcp_mode",
         "unknown DHCP mode \"relay-only\" (expected server or proxy)"},
        {"duplicate_key",
         {{kInv, std::string(kHost) + "workflow: centos\n"}},
         kInv,
         8,
         E,
         "workflow",
         "duplicate key \"workflow\" (first at line 7)"},
        {"seed_group_unknown_boot",
         {{kInv,
           "boot: group_one\nhosts:\n- name: h9\n  selectors:\n    mac: 52:54:00:00:00:09\n"}},
         kInv,
         1,
         E,
         "boot",
         "unknown boot \"group_one\" (no boot/ document has this id)"},
        {"empty_workflow",
         {{"workflows/x.yml", "id: x\nworkflow: []\n"}},
         "workflows/x.yml",
         2,
         E,
         "workflow",
         "a workflow needs at least one boot stage"},
        {"custom_bmc_without_container",
         {{kInv, std::string(kHost).replace(std::string(kHost).find("    ipv4"), 0,
                                            "    bmc:\n      type: custom\n")}},
         kInv,
         7,
         E,
         "interfaces[0].bmc.container",
         "missing required field (bmc type custom)"},
        {"policy_then_unknown",
         {{"sites/lab/env.yml",
           kEnv + std::string("policy:\n  on_failure:\n    retry: 2\n    then: retreat\n")}},
         "sites/lab/env.yml",
         20,
         E,
         "policy.on_failure.then",
         "expected rollback, halt or continue, got 'retreat'"},
        {"max_concurrent_bad_percent",
         {{"workflows/etcd.yml",
           "id: etcd\nworkflow:\n  - boot: etcd\ndeps:\n  max_concurrent: 150%\n"}},
         "workflows/etcd.yml",
         5,
         E,
         "deps.max_concurrent",
         "expected a count or a percentage (0%..100%), got '150%'"},
        {"policy_timeout_zero",
         {{"sites/lab/env.yml", kEnv + std::string("policy:\n  timeout: 0\n")}},
         "sites/lab/env.yml",
         18,
         E,
         "policy.timeout",
         "0 is out of range (1..604800)"},
        {"block_deps_cycle",
         {{"workflows/etcd.yml",
           "id: etcd\nworkflow:\n  - boot: etcd\ndeps:\n  block_deps: [centos]\n"}},
         "workflows/etcd.yml",
         5,
         E,
         "deps.block_deps[0]",
         "block_deps cycle: centos -> etcd -> centos (these workflows would wait for each other "
         "forever)"},
        {"block_deps_self",
         {{"workflows/x.yml", "id: x\nworkflow:\n  - boot: etcd\nblock_deps: [etcd, x]\n"}},
         "workflows/x.yml",
         4,
         E,
         "deps.block_deps[1]",
         "block_deps cycle: x -> x (these workflows would wait for each other forever)"},
    };
    return kCases;
}

class BrokenModel : public ::testing::TestWithParam<Case> {};

TEST(BrokenModelBase, BaseIsClean) {
    auto r = loadSotFiles(baseFiles());
    for (const auto& d : r.diagnostics)
        ADD_FAILURE() << d.toString();
    ASSERT_TRUE(r.model);
    EXPECT_EQ(r.model->hostCount(), 2u);
}

TEST_P(BrokenModel, ReportsExactly) {
    const Case& c = GetParam();
    auto files = baseFiles();
    for (const auto& o : c.overlay) {
        bool replaced = false;
        for (auto& f : files) {
            if (f.path == o.path) {
                f.data = o.data;
                replaced = true;
            }
        }
        if (!replaced)
            files.push_back(o);
    }
    auto r = loadSotFiles(files);
    bool found = false;
    for (const auto& d : r.diagnostics) {
        if (d.file == c.file && d.line == c.line && d.severity == c.severity && d.path == c.path &&
            d.message == c.message) {
            found = true;
        }
    }
    std::string all;
    for (const auto& d : r.diagnostics)
        all += "  " + d.toString() + "\n";
    EXPECT_TRUE(found) << "expected " << c.file << ":" << c.line << ": " << severityName(c.severity)
                       << ": " << c.path << ": " << c.message << "\ngot:\n"
                       << all;
    EXPECT_EQ(r.hasErrors(), c.severity == Severity::Error) << all;
}

std::string caseName(const ::testing::TestParamInfo<Case>& p) {
    return p.param.name;
}

INSTANTIATE_TEST_SUITE_P(Table, BrokenModel, ::testing::ValuesIn(cases()), caseName);

}  // namespace
}  // namespace vq::model
