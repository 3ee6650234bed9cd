// Loading the real example models and the lookups other modules rely on.

#include "model/load.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace vq::model {
namespace {

LoadResult loadExample(const char* dir, const std::string& site = "") {
    LoadOptions o;
    o.site = site;
    return loadSot(std::string("examples/") + dir, o);
}

std::string dump(const LoadResult& r) {
    std::string s;
    for (const auto& d : r.diagnostics)
        s += d.toString() + "\n";
    return s;
}

TEST(LoadExamples, EveryExampleValidates) {
    for (const char* dir : {"v0.14", "vagrant-git-sot", "vagrant-lab/local", "release-tag-2016"}) {
        auto r = loadExample(dir);
        EXPECT_FALSE(r.io_failure) << dir;
        EXPECT_FALSE(r.hasErrors()) << dir << "\n" << dump(r);
        ASSERT_TRUE(r.model) << dir;
        EXPECT_GT(r.model->hostCount(), 0u) << dir;
    }
}

TEST(LoadExamples, V014ShowsTheClevos1Warning) {
    auto r = loadExample("v0.14");
    bool found = false;
    for (const auto& d : r.diagnostics) {
        if (d.file == "sites/test-site/inventory.yml" && d.line == 107 &&
            d.severity == Severity::Warning &&
            d.message ==
                "address 192.128.1.16 of host clevos1 is outside subnet clevos "
                "(192.168.1.0/24)") {
            found = true;
            EXPECT_EQ(d.toString(),
                      "sites/test-site/inventory.yml:107:11: warning: interfaces[1].ipv4: address "
                      "192.128.1.16 of host clevos1 is outside subnet clevos (192.168.1.0/24)");
        }
    }
    EXPECT_TRUE(found) << dump(r);
}

TEST(LoadExamples, V014TypedFieldsAndDefaults) {
    auto r = loadExample("v0.14");
    const Model& m = *r.model;
    const Site* site = m.site("test-site");
    ASSERT_TRUE(site);
    EXPECT_EQ(site->name, "Virtualenv Dev");
    ASSERT_EQ(site->subnets.size(), 3u);
    EXPECT_EQ(site->subnets[0].domain_name, "foo.bar.com");  // written as `domain`
    EXPECT_EQ(site->subnets[0].vlan, 1);
    ASSERT_EQ(site->agents.size(), 1u);
    EXPECT_EQ(site->agents[0].asset_server.port, 24602);
    EXPECT_EQ(site->agents[0].tftp_server.base_dir, "/var/vaquero/pxeroms");
    EXPECT_EQ(site->agents[0].ipmi_container, "docker.io/gemtest/ipmitool");

    const Os* os = m.os("clevos-basic");
    ASSERT_TRUE(os);
    ASSERT_EQ(os->cmdline.size(), 16u);
    EXPECT_EQ(os->cmdline[0].key, "lang");
    EXPECT_EQ(os->cmdline[0].values, std::vector<std::string>{" "});
    EXPECT_TRUE(os->cmdline[10].values.empty());  // clevos.runinstall: (bare)

    const Boot* boot = m.boot("etcd-master");
    ASSERT_TRUE(boot && boot->unattended);
    EXPECT_EQ(boot->unattended->type, "ignition");
    ASSERT_EQ(boot->before_shutdown.size(), 1u);
    EXPECT_TRUE(boot->before_shutdown[0].pull);
    EXPECT_EQ(boot->before_shutdown[0].args, std::vector<std::string>{"shutting down etcd master"});
    EXPECT_EQ(boot->validate[0].timeout, 61);

    const Workflow* w = m.workflow("etcd-master");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->deps.max_concurrent, (CountOrPercent{2, false}));
    EXPECT_EQ(w->deps.min_standing, 1);
    EXPECT_EQ(m.workflow("etcd-proxy")->deps.block_deps, std::vector<std::string>{"etcd-master"});

    ASSERT_TRUE(m.asset("ignition", "etcd.yml"));
    ASSERT_TRUE(m.asset("untyped", "clevos-answers.provision"));
    ASSERT_EQ(m.snippets("ignition").size(), 1u);
    EXPECT_EQ(m.snippets("ignition")[0].name, "etcd.yml");
}

TEST(LoadPolicy, FailurePolicyAndPercentLimits) {
    std::vector<SotFile> files;
    std::string error;
    ASSERT_TRUE(readSotDir("src/model/testdata/base", files, error)) << error;
    for (auto& f : files) {
        if (f.path == "sites/lab/env.yml") {
            f.data +=
                "policy:\n  force_provision: true\n  timeout: 600\n"
                "  on_failure: {retry: 2, then: continue}\n";
        }
        if (f.path == "workflows/etcd.yml") {
            f.data =
                "id: etcd\nworkflow:\n  - boot: etcd\n"
                "deps: {max_concurrent: 25%, max_fail: '10%', min_standing: 1}\n";
        }
    }
    auto r = loadSotFiles(files);
    for (const auto& d : r.diagnostics)
        ADD_FAILURE() << d.toString();
    ASSERT_TRUE(r.model);
    const Site* site = r.model->site("lab");
    ASSERT_TRUE(site);
    EXPECT_TRUE(site->policy.force_provision);
    EXPECT_EQ(site->policy.timeout_s, 600);
    EXPECT_EQ(site->policy.retry, 2);
    EXPECT_EQ(site->policy.then, FailureAction::proceed);
    const Workflow* w = r.model->workflow("etcd");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->deps.max_concurrent, (CountOrPercent{25, true}));
    EXPECT_EQ(w->deps.max_fail, (CountOrPercent{10, true}));
    // Defaults.
    EXPECT_EQ(Policy{}.timeout_s, 1800);
    EXPECT_EQ(Policy{}.then, FailureAction::halt);
}

TEST(LoadExamples, FindByMacAnySpelling) {
    auto r = loadExample("v0.14");
    const Model& m = *r.model;
    auto mac = MacAddr::parse("00-00-00-00-01-03");
    ASSERT_TRUE(mac);
    HostMatch hit = m.findByMac("", *mac);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit.host->name, "host3");
    EXPECT_EQ(hit.iface->type, "bmc");
    ASSERT_TRUE(hit.iface->bmc && hit.iface->bmc->container);
    EXPECT_EQ(hit.iface->bmc->container->args.at(1), "{{.interface.ipv4}}");
    EXPECT_TRUE(m.findByMac("test-site", *mac));
    EXPECT_FALSE(m.findByMac("other-site", *mac));
    EXPECT_FALSE(m.findByMac("", *MacAddr::parse("00:00:00:00:99:99")));
    EXPECT_EQ(m.host("test-site", "clevos1")->interfaces.size(), 2u);
    EXPECT_EQ(m.host("test-site", "nobody"), nullptr);
}

TEST(LoadExamples, RawDocumentsForTemplates) {
    auto r = loadExample("vagrant-lab/local");
    const Model& m = *r.model;
    const Host* h = m.host("test-site", "etcd1");
    ASSERT_TRUE(h);
    const tmpl::Value* md = h->raw.find("metadata");
    ASSERT_TRUE(md && md->isMap());
    EXPECT_EQ(md->find("mstr")->asString(), "etcd1");
    const Site* s = m.site("test-site");
    EXPECT_TRUE(s->policy.force_provision);
    EXPECT_TRUE(s->raw.find("policy")->find("force_provision")->asBool());
    EXPECT_EQ(s->raw.find("agents")->asList()[0].find("asset_server")->find("port")->asInt(),
              24602);
    const Os* os = m.os("centos7-stable");
    EXPECT_EQ(os->raw.find("major_version")->asString(), "7");  // quoted: stays a string
    // Older container form.
    EXPECT_EQ(m.boot("coreos-cloudconfig")->validate[0].commands,
              std::vector<std::string>{"[ -e /etc ]"});
}

TEST(LoadExamples, SeedEraAgentBlockAndMapCmdline) {
    auto r = loadExample("release-tag-2016");
    const Model& m = *r.model;
    const Site* s = m.site("test-site");
    ASSERT_TRUE(s && s->legacy_agent);
    EXPECT_EQ(s->legacy_agent->port, 24602);
    EXPECT_EQ(s->legacy_agent->secure_port, 443);
    EXPECT_EQ(s->release_tag, "mytag");
    const Os* os = m.os("clevos-basic");
    ASSERT_TRUE(os);
    // Map form keeps order and both `console` keys.
    int consoles = 0;
    for (const auto& e : os->cmdline)
        consoles += e.key == "console";
    EXPECT_EQ(consoles, 2);
    EXPECT_EQ(os->cmdline.front().key, "lang");
    EXPECT_EQ(m.workflow("etcd-master")->stages[0].next_boot, "etcd-master");
}

TEST(LoadSelectors, SeedGroupsPickMostSpecificHost) {
    std::vector<SotFile> files = {
        {"os/o.yml", "id: o\nboot: {kernel: k}\n"},
        {"boot/g.yml",
         "id: group_one\noperating_system: o\n---\nid: group_two\noperating_system: o\n"},
        {"sites/s/env.yml",
         "id: s\nagent: {url: 'http://10.99.0.1', port: 80}\nsubnets: [{id: n, cidr: "
         "10.99.0.0/24, dns: [10.99.0.1]}]\n"},
        {"sites/s/inv.yml",
         "---\nboot: group_one\nhosts:\n- name: host1\n  selectors:\n    mac: "
         "00:00:00:00:00:01\n---\nboot: group_two\nhosts:\n- name: host1_plus_some\n  "
         "selectors:\n    mac: 00:00:00:00:00:01\n    os: installed\n"},
    };
    auto r = loadSotFiles(files);
    EXPECT_FALSE(r.hasErrors()) << dump(r);
    const Model& m = *r.model;
    auto a = m.findBySelectors("s", {{"mac", "00-00-00-00-00-01"}});
    ASSERT_TRUE(a);
    EXPECT_EQ(a.host->name, "host1");
    EXPECT_EQ(a.host->boot, "group_one");
    auto b = m.findBySelectors("", {{"mac", "00:00:00:00:00:01"}, {"os", "installed"}});
    ASSERT_TRUE(b);
    EXPECT_EQ(b.host->name, "host1_plus_some");
    EXPECT_FALSE(m.findBySelectors("s", {{"mac", "00:00:00:00:00:02"}}));
}

TEST(LoadOptionsTest, SiteFilterAndUnknownSite) {
    auto r = loadExample("v0.14", "test-site");
    EXPECT_EQ(r.model->sites().size(), 1u);
    auto none = loadExample("v0.14", "mars");
    EXPECT_TRUE(none.hasErrors());
    EXPECT_EQ(none.diagnostics.back().message, "no site \"mars\" in this SoT");
}

TEST(LoadOptionsTest, MissingDirectoryIsAnIoFailure) {
    auto r = loadSot("/nonexistent/sot");
    EXPECT_TRUE(r.io_failure);
    EXPECT_TRUE(r.hasErrors());
}

TEST(LoadClusters, ConfigHeaderAndYamlSpelling) {
    std::vector<SotFile> files = {
        {"os/o.yaml", "id: o\nboot: {kernel: k}\n"},
        {"boot/b.yaml", "id: b\noperating_system: o\n"},
        {"workflows/w.yaml", "id: w\nworkflow: [{boot: b}]\ndo_once: true\n"},
        {"sites/s/env.yaml",
         "id: s\nagents: [{name: a, dhcp_port: 1067}]\nsubnets: [{id: n, cidr: 10.99.0.0/24, "
         "domain_name: x, dns: [10.99.0.1]}]\n"},
        {"sites/s/cluster-a.yaml",
         "---\nconfig:\n  id: hook\n  type: git\n  url: https://example.invalid/sot\n  ref: "
         "master\n---\nname: h\nworkflow: w\ninterfaces:\n- {type: physical, mac: "
         "52:54:00:00:00:01, subnet: n, ipv4: 10.99.0.5}\n"},
    };
    auto r = loadSotFiles(files);
    EXPECT_FALSE(r.hasErrors()) << dump(r);
    const Site* s = r.model->site("s");
    ASSERT_TRUE(s && s->config);
    EXPECT_EQ(s->config->id, "hook");
    EXPECT_EQ(s->agents[0].dhcp_port, 1067);
    EXPECT_EQ(s->subnets[0].domain_name, "x");
    EXPECT_TRUE(r.model->workflow("w")->do_once);
    EXPECT_EQ(r.model->hostCount(), 1u);
}

TEST(ModelSharing, ConcurrentReadersSeeTheSameSnapshot) {
    auto r = loadExample("vagrant-lab/local");
    std::shared_ptr<const Model> m = r.model;
    std::vector<std::thread> threads;
    std::atomic<int> hits{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([m, &hits] {
            for (int i = 0; i < 1000; ++i) {
                if (m->findByMac("", *MacAddr::parse("00:00:00:00:00:21")))
                    ++hits;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(hits.load(), 4000);
}

TEST(DiagnosticFormat, TextAndJson) {
    Diagnostic d{"a.yml", 3, 5, Severity::Error, "x.y", "bad"};
    EXPECT_EQ(d.toString(), "a.yml:3:5: error: x.y: bad");
    Diagnostic w{"a.yml", 0, 0, Severity::Warning, "", "whole file"};
    EXPECT_EQ(w.toString(), "a.yml: warning: whole file");
    const std::string json = diagnosticsToJson({d, w});
    EXPECT_NE(json.find("\"errors\": 1"), std::string::npos);
    EXPECT_NE(json.find("\"severity\": \"warning\""), std::string::npos);
    EXPECT_EQ(diagnosticsSummary({d, w}), "1 error, 1 warning");
}

}  // namespace
}  // namespace vq::model

namespace vq::model {
namespace {

TEST(TemplateChecks, AssetsAndFieldsAreParsed) {
    std::vector<SotFile> files;
    std::string error;
    ASSERT_TRUE(readSotDir("src/model/testdata/base", files, error)) << error;
    files.push_back({"assets/untyped/bad.cfg", "line one\nline {{ .host.name \n"});
    files.push_back({"os/x.yml", "id: x\nboot: {kernel: k}\ncmdline:\n- k: \"{{ if }}\"\n"});
    auto r = loadSotFiles(files);
    bool asset = false, cmdline = false;
    for (const auto& d : r.diagnostics) {
        if (d.file == "assets/untyped/bad.cfg" && d.line == 3 &&
            d.message.starts_with("template syntax: ")) {
            asset = true;
        }
        if (d.file == "os/x.yml" && d.path == "cmdline.k" &&
            d.message.starts_with("template syntax: ")) {
            cmdline = true;
        }
    }
    EXPECT_TRUE(asset) << dump(r);
    EXPECT_TRUE(cmdline) << dump(r);
    // Snippets are parsed with the assets of their type: the base model's
    // {{ template "etcd" . }} resolves and gives no error.
    for (const auto& d : r.diagnostics)
        EXPECT_NE(d.file, "assets/ignition/etcd.yml");
}

}  // namespace
}  // namespace vq::model
