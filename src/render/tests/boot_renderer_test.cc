#include "render/boot_renderer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/load.h"
#include "render/compiled.h"

namespace vq::render {
namespace {

const char* const kEnv = R"(id: lab
subnets:
  - id: net
    cidr: 10.99.0.0/24
    gateway: 10.99.0.1
    dns: [10.99.0.2]
    ntp: [10.99.0.3]
agents:
  - name: a1
    asset_server: {addr: 10.99.0.5, port: 8080}
metadata:
  region: west
)";

const char* const kOs = R"(id: coreos
major_version: '1053'
os_family: CoreOS
release_name: stable
boot:
  kernel: "{{.env.agentURL}}/files/{{.boot.os.release_name}}/vmlinuz"
  initrd:
  - "{{.env.agentURL}}/files/initrd.img"
cmdline:
  - coreos.autologin: ''
  - console: [ttyS0, tty0]
  - region: "{{ .env.md.region }}"
  - host: "{{ .host.name }}"
)";

const char* const kInventory = R"(name: h1
interfaces:
  - type: bmc
    subnet: net
    mac: 00:00:00:00:09:01
    ipv4: 10.99.0.50
    bmc: {type: ipmi, username: u, password: p}
  - type: physical
    subnet: net
    mac: AA:BB:CC:00:00:01
    identifier: eth1
    ipv4: 10.99.0.10
metadata:
  role: master
workflow: wf
)";

std::vector<model::SotFile> sot(std::string ignition = {}, std::string kickstart = {}) {
    std::vector<model::SotFile> files = {
        {"sites/lab/env.yml", kEnv},
        {"sites/lab/inventory.yml", kInventory},
        {"os/coreos.yml", kOs},
        {"os/centos.yml",
         "id: centos\nmajor_version: '7'\nos_family: CentOS\nboot:\n  kernel: "
         "\"{{.env.agentURL}}/files/c7/vmlinuz\"\n  initrd:\n  - "
         "\"{{.env.agentURL}}/files/c7/initrd.img\"\n"},
        {"boot/ign.yml",
         "id: ign\noperating_system: coreos\nunattended: {type: ignition, use: "
         "ign.yml}\nmetadata: {pw: secret}\n"},
        {"boot/ks.yml",
         "id: ks\noperating_system: centos\nunattended: {type: kickstart, use: "
         "ks.cfg}\n"},
        {"boot/plain.yml", "id: plain\noperating_system: coreos\n"},
        {"workflows/wf.yml", "id: wf\nworkflow:\n  - boot: ign\n  - boot: ks\n  - boot: plain\n"},
        {"assets/ignition/ign.yml",
         ignition.empty() ? "systemd:\n  units:\n    - name: c.service\n      contents: |\n"
                            "        ExecStart=/usr/bin/curl {{ Checkpoint }}\n"
                            "{{- template \"users\" .}}\n"
                          : ignition},
        {"assets/ignition/snippets/users.yml",
         "{{ define \"users\" }}\npasswd:\n  users:\n    - name: core\n      password_hash: "
         "{{ .boot.md.pw }}\n{{ end }}\n"},
        {"assets/kickstart/ks.cfg",
         kickstart.empty() ? "install\nrootpw {{ .boot.name }}\nnetwork --device={{ "
                             ".interface.identifier }} --ip={{ .interface.ipv4 }} --netmask={{ "
                             ".interface.subnet.netmask }}\n"
                           : kickstart},
    };
    return files;
}

BootRenderer renderer(const std::vector<model::SotFile>& files) {
    auto loaded = model::loadSotFiles(files);
    EXPECT_TRUE(loaded.model);
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.toString();
    return BootRenderer(CompiledModel::build(loaded.model));
}

TEST(BootRenderer, IpxeScriptOfTheCurrentBoot) {
    auto r = renderer(sot());
    Outcome o = r.ipxe({"aa-bb-cc-00-00-01", "", "pcbios", "http://10.99.0.5:8080"});
    ASSERT_TRUE(o.ok()) << o.reason;
    EXPECT_EQ(o.body,
              "#!ipxe\n"
              "kernel http://10.99.0.5:8080/files/stable/vmlinuz coreos.autologin console=ttyS0 "
              "console=tty0 region=west host=h1 coreos.first_boot "
              "coreos.config.url=http://10.99.0.5:8080/config/aa:bb:cc:00:00:01?boot=ign\n"
              "initrd http://10.99.0.5:8080/files/initrd.img\n"
              "boot\n");
    EXPECT_EQ(o.host, "h1");
    EXPECT_EQ(o.boot, "ign");
    EXPECT_EQ(o.mac, "aa:bb:cc:00:00:01");
}

TEST(BootRenderer, EfiAddsInitrdNameAndDefaultAgentUrl) {
    auto r = renderer(sot());
    Outcome o = r.ipxe({"AABBCC000001", "ks", "efi", ""});
    ASSERT_TRUE(o.ok()) << o.reason;
    EXPECT_NE(o.body.find(" initrd=initrd.img inst.ks=http://10.99.0.5:8080/config/"
                          "aa:bb:cc:00:00:01?boot=ks\n"),
              std::string::npos)
        << o.body;
    Outcome plain = r.ipxe({"aa:bb:cc:00:00:01", "plain", "pcbios", ""});
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain.body.find("config"), std::string::npos) << plain.body;
}

TEST(BootRenderer, UnknownHostBootAndBadMac) {
    auto r = renderer(sot());
    EXPECT_EQ(r.ipxe({"aa:bb:cc:00:00:02", "", "", ""}).status, 404u);
    EXPECT_EQ(r.ipxe({"not-a-mac", "", "", ""}).status, 400u);
    EXPECT_EQ(r.ipxe({"", "", "", ""}).status, 400u);
    Outcome o = r.config({"aa:bb:cc:00:00:01", "nope", "", ""});
    EXPECT_EQ(o.status, 404u);
    EXPECT_NE(o.reason.find("not part of host h1's workflow"), std::string::npos);
    EXPECT_EQ(r.config({"aa:bb:cc:00:00:01", "plain", "", ""}).status, 404u);
}

TEST(BootRenderer, IgnitionConfigWithSnippetAndCheckpoint) {
    auto r = renderer(sot());
    Outcome o = r.config({"aa:bb:cc:00:00:01", "", "", "http://10.99.0.5:8080"});
    ASSERT_TRUE(o.ok()) << o.reason;
    EXPECT_EQ(o.content_type, "application/json");
    auto j = nlohmann::json::parse(o.body);
    EXPECT_EQ(j["ignition"]["version"], "2.0.0");
    EXPECT_EQ(j["systemd"]["units"][0]["contents"],
              "ExecStart=/usr/bin/curl "
              "http://10.99.0.5:8080/checkpoint/aa:bb:cc:00:00:01?boot=ign\n");
    EXPECT_EQ(j["passwd"]["users"][0]["passwordHash"], "secret");
}

TEST(BootRenderer, KickstartSeesTheBootInterface) {
    auto r = renderer(sot());
    Outcome o = r.config({"aa:bb:cc:00:00:01", "ks", "", ""});
    ASSERT_TRUE(o.ok()) << o.reason;
    EXPECT_EQ(o.content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(o.body,
              "install\nrootpw ks\nnetwork --device=eth1 --ip=10.99.0.10 "
              "--netmask=255.255.255.0\n");
}

TEST(BootRenderer, RenderFailureIs500WithoutBody) {
    auto r = renderer(sot("systemd: {{ index .nope 3 }}\n"));
    Outcome o = r.config({"aa:bb:cc:00:00:01", "", "", ""});
    EXPECT_EQ(o.status, 500u);
    EXPECT_NE(o.reason.find("ign.yml"), std::string::npos) << o.reason;
    EXPECT_EQ(o.body, "internal error\n");
    Outcome bad_type =
        renderer(sot("systemd:\n  units: 3\n")).config({"aa:bb:cc:00:00:01", "", "", ""});
    EXPECT_EQ(bad_type.status, 500u);
    EXPECT_NE(bad_type.reason.find("systemd.units: expected a list"), std::string::npos)
        << bad_type.reason;
}

TEST(BootRenderer, Checkpoint) {
    auto r = renderer(sot());
    Outcome o = r.checkpoint({"aa:bb:cc:00:00:01", "ks", "", ""});
    EXPECT_TRUE(o.ok());
    EXPECT_EQ(o.boot, "ks");
    EXPECT_EQ(r.checkpoint({"aa:bb:cc:00:00:09", "", "", ""}).status, 404u);
}

// The typed endpoint serves what /config/<mac> serves for the interface the query names.
void expectTypedIsConfig(const BootRenderer& r,
                         const model::Selectors& query,
                         const std::string& config_mac) {
    const std::string url = "http://10.99.0.5:8080";
    Outcome typed = r.typed("ignition", query, url);
    ASSERT_TRUE(typed.ok()) << query.front().first << "=" << query.front().second << ": "
                            << typed.reason;
    Outcome config = r.config({config_mac, "", "", url});
    ASSERT_TRUE(config.ok()) << config.reason;
    EXPECT_EQ(typed.body, config.body);
    EXPECT_EQ(typed.content_type, "application/json");
    EXPECT_EQ(typed.host, "h1");
    EXPECT_EQ(typed.mac, config_mac);
}

TEST(BootRendererTyped, V014HostByTheMacOfEveryInterface) {
    auto r = renderer(sot());
    expectTypedIsConfig(r, {{"mac", "00:00:00:00:09:01"}}, "00:00:00:00:09:01");  // first (BMC)
    expectTypedIsConfig(r, {{"mac", "aa:bb:cc:00:00:01"}}, "aa:bb:cc:00:00:01");  // second
    // The checkpoint URL inside names the interface asked for.
    EXPECT_NE(r.typed("ignition", {{"mac", "aa:bb:cc:00:00:01"}}, "")
                  .body.find("/checkpoint/aa:bb:cc:00:00:01?boot=ign"),
              std::string::npos);
}

TEST(BootRendererTyped, MacInAnySpelling) {
    auto r = renderer(sot());
    for (const char* mac : {"AA:BB:CC:00:00:01", "aa-bb-cc-00-00-01", "AA-BB-CC-00-00-01",
                            "aabbcc000001", "AABBCC000001"}) {
        expectTypedIsConfig(r, {{"mac", mac}}, "aa:bb:cc:00:00:01");
    }
}

TEST(BootRendererTyped, V014HostByHostnameOrName) {
    auto r = renderer(sot());
    // A name alone points at the host's first interface that is not a BMC.
    expectTypedIsConfig(r, {{"hostname", "h1"}}, "aa:bb:cc:00:00:01");
    expectTypedIsConfig(r, {{"name", "h1"}}, "aa:bb:cc:00:00:01");
    // iPXE's other facts do not get in the way; a MAC given with the name picks the interface.
    expectTypedIsConfig(r, {{"hostname", "h1"}, {"mac", "00-00-00-00-09-01"}, {"uuid", "x"}},
                        "00:00:00:00:09:01");
}

TEST(BootRendererTyped, UnknownOrContradictorySelectorsAre404) {
    auto r = renderer(sot());
    for (const model::Selectors& q : std::vector<model::Selectors>{
             {{"mac", "aa:bb:cc:00:00:02"}},
             {{"mac", "not-a-mac"}},
             {{"hostname", "h2"}},
             {{"name", "H1"}},
             {{"hostname", "h1"}, {"mac", "aa:bb:cc:00:00:02"}},
             {{"os", "installed"}},
             {},
         }) {
        Outcome o = r.typed("ignition", q, "");
        EXPECT_EQ(o.status, 404u) << (q.empty() ? "(empty)" : q.front().second);
        EXPECT_EQ(o.body, "not found\n");
    }
    // Found, but the current boot's asset is not of that type.
    EXPECT_EQ(r.typed("kickstart", {{"mac", "aa:bb:cc:00:00:01"}}, "").status, 404u);
}

// Seed era: groups of hosts with selectors; the host whose selectors all appear in the query
// and that has the most of them wins; a selector MAC is not an interface.
std::vector<model::SotFile> seedSot() {
    return {
        {"sites/s/env.yml",
         "id: s\nsubnets:\n  - {id: n, cidr: 10.99.0.0/24, dns: [10.99.0.1], ntp: [10.99.0.1]}\n"
         "agent:\n  url: http://10.99.0.5\n  port: 8080\n"},
        {"sites/s/inventory.yml",
         "---\nboot: one\nhosts:\n- name: plain\n  selectors:\n    mac: 00:00:00:00:00:01\n"
         "---\nboot: two\nhosts:\n- name: installed\n  selectors:\n"
         "    mac: 00:00:00:00:00:01\n    os: installed\n"
         "- name: rack\n  selectors:\n    rack: r7\n"},
        {"os/coreos.yml",
         "id: coreos\nmajor_version: '1'\nos_family: CoreOS\nboot:\n  kernel: k\n  initrd: [i]\n"},
        {"boot/one.yml",
         "id: one\noperating_system: coreos\nunattended: {type: ignition, use: one.yml}\n"},
        {"boot/two.yml",
         "id: two\noperating_system: coreos\nunattended: {type: ignition, use: two.yml}\n"},
        {"assets/ignition/one.yml", "systemd:\n  units:\n    - name: '{{ .host.name }}.one'\n"},
        {"assets/ignition/two.yml", "systemd:\n  units:\n    - name: '{{ .host.name }}.two'\n"},
    };
}

TEST(BootRendererTyped, SeedEraSelectorRulesAreKept) {
    auto r = renderer(seedSot());
    auto unit = [&](const model::Selectors& q) {
        Outcome o = r.typed("ignition", q, "");
        if (!o.ok())
            return std::to_string(o.status);
        return nlohmann::json::parse(o.body)["systemd"]["units"][0]["name"].get<std::string>();
    };
    EXPECT_EQ(unit({{"mac", "00:00:00:00:00:01"}}), "plain.one");
    EXPECT_EQ(unit({{"mac", "00-00-00-00-00-01"}, {"os", "installed"}}), "installed.two");
    EXPECT_EQ(unit({{"mac", "00:00:00:00:00:01"}, {"os", "other"}}), "plain.one");
    EXPECT_EQ(unit({{"rack", "r7"}, {"mac", "00:00:00:00:00:09"}}), "rack.two");
    EXPECT_EQ(unit({{"rack", "r8"}}), "404");
    EXPECT_EQ(unit({{"mac", "00:00:00:00:00:02"}}), "404");
    // Names identify seed-era hosts too.
    EXPECT_EQ(unit({{"hostname", "installed"}}), "installed.two");
    EXPECT_EQ(unit({{"name", "rack"}}), "rack.two");
}

TEST(Dot, ShapeOfTheDot) {
    auto loaded = model::loadSotFiles(sot());
    ASSERT_TRUE(loaded.model);
    auto compiled = CompiledModel::build(loaded.model);
    const model::Model& m = *loaded.model;
    auto match = m.findByMac("", *MacAddr::parse("aa:bb:cc:00:00:01"));
    ASSERT_TRUE(match);
    DotInput in;
    in.site = compiled->siteDot(*match.site);
    in.site_model = match.site;
    in.host = match.host;
    in.iface = match.iface;
    in.boot_base = compiled->bootBase(*m.boot("ign"));
    in.boot_id = "ign";
    in.agent_url = "http://x:1";
    in.mac = "aa:bb:cc:00:00:01";
    tmpl::Value dot = buildDot(in);
    tmpl::TemplateSet set;
    auto run = [&](std::string_view text) {
        EXPECT_TRUE(set.parse("t", text).isOk()) << text;
        auto r = set.execute("t", dot);
        return r ? *r : r.message();
    };
    EXPECT_EQ(run("{{.env.agentURL}} {{.env.md.region}} {{.env.name}}"), "http://x:1 west lab");
    EXPECT_EQ(run("{{.boot.configURL}}"), "http://x:1/config/aa:bb:cc:00:00:01?boot=ign");
    EXPECT_EQ(run("{{.boot.os.release_name}} {{.boot.operating_system.id}} {{.boot.md.pw}}"),
              "stable coreos secret");
    EXPECT_EQ(run("{{.interface.ipv4}} {{.interface.subnet.gateway}} "
                  "{{.interface.subnet.netmask}} {{.interface.subnet.vlan}}"),
              "10.99.0.10 10.99.0.1 255.255.255.0 1");
    EXPECT_EQ(run("{{len .host.interfaces}} {{len .host.netInterfaces}} "
                  "{{(index .host.bmcInterfaces 0).ipv4}} {{.host.md.role}}"),
              "2 1 10.99.0.50 master");
    EXPECT_EQ(
        run("{{(index .host.interfaces 1).subnet.cidr}} {{index .env.subnets 0 \"netmask\"}}"),
        "10.99.0.0/24 255.255.255.0");
}

}  // namespace
}  // namespace vq::render

namespace vq::render {
namespace {}  // namespace
}  // namespace vq::render
