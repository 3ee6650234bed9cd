#include "plan/plan.h"

#include "plan/plan_format.h"
#include "sot_fixture.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vq::plan {
namespace {

using testing::Sot;

Plan planOf(const Sot& before, const Sot& after) {
    auto old_model = before.load();
    auto new_model = after.load();
    if (!old_model || !new_model)
        return {};
    return computePlan(old_model, new_model);
}

std::vector<const HostPlan*> hostsOf(const Plan& p) {
    std::vector<const HostPlan*> out;
    for (const auto& s : p.sites) {
        for (const auto& h : s.hosts)
            out.push_back(&h);
    }
    return out;
}

std::string allText(const HostPlan& h) {
    std::string s;
    for (const auto& r : h.reasons)
        s += r.text + "\n" + r.diff;
    return s;
}

TEST(Plan, UnchangedSotHasNoChangesAndRendersNothing) {
    Sot sot;
    Plan p = planOf(sot, sot);
    EXPECT_FALSE(p.hasChanges());
    EXPECT_EQ(p.hosts_rendered, 0u);
    EXPECT_EQ(p.hosts_old, 2u);
    EXPECT_NE(planText(p).find("No changes"), std::string::npos);
}

TEST(Plan, CommentOnlyChangeHasNoChanges) {
    Sot a, b;
    b["sites/lab/inventory.yml"] = "# moved racks\n" + b["sites/lab/inventory.yml"];
    Plan p = planOf(a, b);
    EXPECT_FALSE(p.hasChanges());
    EXPECT_EQ(p.hosts_rendered, 0u);
}

TEST(Plan, UnusedMetadataIsRenderedButReprovisionsNothing) {
    Sot a, b;
    b.replace("sites/lab/env.yml", "dc: one", "dc: two");  // no template reads .env.metadata
    Plan p = planOf(a, b);
    EXPECT_FALSE(p.hasChanges());
    EXPECT_EQ(p.hosts_rendered, 2u);
}

TEST(Plan, SnippetChangeReprovisionsExactlyTheHostUsingIt) {
    Sot a, b;
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    Plan p = planOf(a, b);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 1u);
    const HostPlan& h = *hosts[0];
    EXPECT_EQ(h.host, "db1");
    EXPECT_EQ(h.kind, HostChangeKind::Changed);
    EXPECT_EQ(h.start, HostStart::ManualReboot);  // db1 has no BMC
    EXPECT_EQ(h.wave, 1);
    ASSERT_EQ(h.reasons.size(), 1u);
    EXPECT_EQ(h.reasons[0].text, "stage 1 (boot db): config changed");
    EXPECT_EQ(h.reasons[0].diff,
              "--- a/lab/db1/stage1-db.config\n+++ b/lab/db1/stage1-db.config\n"
              "@@ -1,3 +1,3 @@\n # db\n host=db1\n-engine=pg\n+engine=mysql\n");
    EXPECT_EQ(p.hosts_rendered, 1u);  // web1's inputs did not move: never rendered
}

// Loaded through one parse cache, an unchanged site is the same object in both models, and
// its hosts are judged by the definitions they name, once per (workflow, boot).
TEST(Plan, ASiteBothModelsShareIsJudgedByTheDefinitionsItsHostsName) {
    model::ParsedSotCache cache;
    Sot a;
    auto first = a.load(&cache);
    Sot b = a;
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    auto second = b.load(&cache);
    ASSERT_TRUE(first && second);
    ASSERT_EQ(first->site("lab"), second->site("lab")) << "the site is shared";
    Plan p = computePlan(first, second);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 1u);
    EXPECT_EQ(hosts[0]->host, "db1");
    EXPECT_EQ(hosts[0]->reasons[0].text, "stage 1 (boot db): config changed");
    EXPECT_EQ(p.hosts_rendered, 1u);

    Sot c = b;
    c.replace("os/linux.yml", "console: ttyS0", "console: ttyS1");  // both hosts boot it
    auto third = c.load(&cache);
    ASSERT_EQ(second->site("lab"), third->site("lab"));
    p = computePlan(second, third);
    EXPECT_EQ(hostsOf(p).size(), 2u);

    Sot d = c;
    d["os/unused.yml"] = "id: unused\nos_family: Debian\nboot:\n  kernel: k\n";
    auto fourth = d.load(&cache);
    p = computePlan(third, fourth);
    EXPECT_FALSE(p.hasChanges());
    EXPECT_EQ(p.hosts_rendered, 0u) << "no host names it";
}

TEST(Plan, NewAndRemovedHosts) {
    Sot a, b;
    b["sites/lab/inventory.yml"] = Sot::webHost("web1", 1) + "---\n" + Sot::dbHost("db2", 3);
    Plan p = planOf(a, b);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 2u);
    EXPECT_EQ(hosts[0]->host, "db2");
    EXPECT_EQ(hosts[0]->kind, HostChangeKind::New);
    EXPECT_EQ(hosts[0]->reasons[0].text, "new host");
    EXPECT_EQ(hosts[0]->start, HostStart::NextNetboot);
    EXPECT_EQ(hosts[1]->host, "db1");
    EXPECT_EQ(hosts[1]->kind, HostChangeKind::Removed);
    EXPECT_EQ(hosts[1]->wave, 0);
}

TEST(Plan, ForceProvisionRebootsNewHostsWithABmc) {
    Sot a, b;
    a["sites/lab/inventory.yml"] = Sot::dbHost("db1", 2);
    b["sites/lab/inventory.yml"] = Sot::webHost("web1", 1) + "---\n" + Sot::dbHost("db1", 2);
    b["sites/lab/env.yml"] += "policy: {force_provision: true}\n";
    Plan p = planOf(a, b);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 1u);  // db1's fingerprint moved with the env, its bytes did not
    EXPECT_EQ(hosts[0]->host, "web1");
    EXPECT_EQ(hosts[0]->start, HostStart::Reboot);
    EXPECT_EQ(hosts[0]->power, "ipmi");
}

TEST(Plan, WorkflowChange) {
    Sot a, b;
    b.replace("sites/lab/inventory.yml", "workflow: web", "workflow: db");
    Plan p = planOf(a, b);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 1u);
    EXPECT_EQ(hosts[0]->reasons[0].text, "workflow changed: web -> db");
    EXPECT_NE(allText(*hosts[0]).find("stage 1 (boot db, was boot web): config changed"),
              std::string::npos)
        << allText(*hosts[0]);
}

TEST(Plan, StagesAddedToAWorkflow) {
    Sot a, b;
    b["workflows/db.yml"] = "id: db\nworkflow:\n  - boot: db\n  - boot: web\n";
    Plan p = planOf(a, b);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 1u);
    EXPECT_EQ(hosts[0]->reasons[0].text, "workflow db changed: stages [db] -> [db, web]");
    EXPECT_EQ(hosts[0]->reasons[1].text, "stage 2 (boot web): new stage");
}

TEST(Plan, SecretsNeverAppearInDiffs) {
    Sot a, b;
    b.replace("sites/lab/inventory.yml", "password: Hunter2Secret", "password: N3wSecretValue");
    Plan p = planOf(a, b);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 1u);
    const std::string text = allText(*hosts[0]) + planText(p) + planJson(p);
    EXPECT_EQ(text.find("Hunter2Secret"), std::string::npos) << text;
    EXPECT_EQ(text.find("N3wSecretValue"), std::string::npos) << text;
    EXPECT_NE(text.find("config changed"), std::string::npos) << text;
    EXPECT_NE(text.find("(only masked secret values differ)"), std::string::npos) << text;
}

TEST(Plan, WavesFollowMaxConcurrentAndBlockDeps) {
    Sot a;
    a["sites/lab/inventory.yml"] = Sot::webHost("web1", 1) + "---\n" + Sot::dbHost("db1", 2) +
                                   "---\n" + Sot::webHost("web2", 3) + "---\n" +
                                   Sot::webHost("web3", 4);
    Sot b = a;
    b["workflows/db.yml"] += "deps: {block_deps: [web]}\n";
    b["assets/untyped/snippets/web.cfg"] = "{{define \"web\"}}listen=8080{{end}}";
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    Plan p = planOf(a, b);
    ASSERT_EQ(p.sites.size(), 1u);
    EXPECT_EQ(p.sites[0].waves, 4);
    std::vector<std::pair<std::string, int>> order;
    for (const auto* h : hostsOf(p))
        order.emplace_back(h->host, h->wave);
    EXPECT_EQ(order, (std::vector<std::pair<std::string, int>>{
                         {"web1", 1}, {"web2", 2}, {"web3", 3}, {"db1", 4}}));
    EXPECT_EQ(hostsOf(p)[3]->blocked_by, (std::vector<std::string>{"web"}));
    EXPECT_NE(planText(p).find("  wave 4\n    ~ db1 (workflow db, after workflow web): "),
              std::string::npos)
        << planText(p);
}

TEST(Plan, NeverProvisionHostsAreListedOutsideWaves) {
    Sot a, b;
    b.replace("sites/lab/inventory.yml", "workflow: db", "workflow: db\nnever_provision: true");
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    Plan p = planOf(a, b);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 1u);
    EXPECT_EQ(hosts[0]->start, HostStart::Never);
    EXPECT_EQ(hosts[0]->wave, 0);
    EXPECT_NE(planText(p).find("never rebooted by Vaquero"), std::string::npos);
    EXPECT_NE(planText(p).find("Plan: 0 to reprovision, 0 new, 0 removed, 1 never provisioned"),
              std::string::npos)
        << planText(p);
}

TEST(Plan, ARenderFailureIsAnError) {
    Sot a, b;
    b["assets/untyped/db.cfg"] = "{{template \"nowhere\" .}}\n";
    Plan p = planOf(a, b);
    EXPECT_TRUE(p.hasErrors());
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 1u);
    EXPECT_TRUE(hosts[0]->error);
    EXPECT_EQ(hosts[0]->wave, 0);
}

TEST(Plan, ContainerChangesAreReasonsWithMaskedDiffs) {
    Sot a, b;
    a["boot/db.yml"] +=
        "validate:\n  - image: check:1\n    env: {API_TOKEN: tok-0ld-value}\n"
        "    registry_auth: {url: r.example, username: u, password: RegPw0rd}\n";
    b["boot/db.yml"] = a["boot/db.yml"];
    b.replace("boot/db.yml", "image: check:1", "image: check:2");
    b.replace("boot/db.yml", "tok-0ld-value", "tok-n3w-value");
    Plan p = planOf(a, b);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 1u);
    EXPECT_EQ(hosts[0]->host, "db1");
    ASSERT_EQ(hosts[0]->reasons.size(), 1u);
    EXPECT_EQ(hosts[0]->reasons[0].text, "stage 1 (boot db): containers changed");
    const std::string& diff = hosts[0]->reasons[0].diff;
    EXPECT_NE(diff.find("-  image: check:1\n+  image: check:2\n"), std::string::npos) << diff;
    for (const char* secret : {"tok-0ld-value", "tok-n3w-value", "RegPw0rd"})
        EXPECT_EQ(diff.find(secret), std::string::npos) << diff;
}

TEST(Plan, SeedEraGroupsAreOneStageWorkflows) {
    Sot a;
    for (const char* path : {"boot/web.yml", "boot/db.yml", "workflows/web.yml", "workflows/db.yml",
                             "sites/lab/inventory.yml"}) {
        a.erase(path);
    }
    a["boot/g.yml"] =
        "id: group_one\noperating_system: linux\nunattended: {type: untyped, use: db.cfg}\n";
    a["sites/lab/inventory.yml"] =
        "boot: group_one\nhosts:\n- name: s1\n  selectors: {mac: '52:54:00:00:00:31'}\n"
        "- name: s2\n  selectors: {mac: '52:54:00:00:00:32', os: installed}\n";
    Sot b = a;
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    Plan p = planOf(a, b);
    auto hosts = hostsOf(p);
    ASSERT_EQ(hosts.size(), 2u);
    EXPECT_EQ(hosts[0]->host, "s1");
    EXPECT_EQ(hosts[0]->workflow, "boot group_one");
    EXPECT_NE(allText(*hosts[0]).find("stage 1 (boot group_one): config changed"),
              std::string::npos)
        << allText(*hosts[0]);
    // s2 is found by all its selectors (the typed endpoint), not by its MAC alone.
    EXPECT_NE(allText(*hosts[1]).find("+engine=mysql"), std::string::npos) << allText(*hosts[1]);
}

TEST(Plan, JsonCarriesTheSameContent) {
    Sot a, b;
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    auto j = nlohmann::json::parse(planJson(planOf(a, b)));
    EXPECT_TRUE(j["changes"].get<bool>());
    EXPECT_EQ(j["summary"]["reprovision"], 1);
    const auto& h = j["sites"][0]["hosts"][0];
    EXPECT_EQ(h["host"], "db1");
    EXPECT_EQ(h["wave"], 1);
    EXPECT_EQ(h["start"], "manual_reboot");
    EXPECT_NE(h["reasons"][0]["diff"].get<std::string>().find("+engine=mysql"), std::string::npos);
}

}  // namespace
}  // namespace vq::plan
