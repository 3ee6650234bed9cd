#include "plan/sot_pair.h"

#include "plan/plan_format.h"
#include "sot_fixture.h"
#include <gtest/gtest.h>

namespace vq::plan {
namespace {

using testing::Sot;

// web1 and db1 in files of their own, plus a third file with web2.
Sot split() {
    Sot s;
    s.erase("sites/lab/inventory.yml");
    s["sites/lab/web.yml"] = Sot::webHost("web1", 1);
    s["sites/lab/db.yml"] = Sot::dbHost("db1", 2);
    s["sites/lab/more.yml"] = Sot::webHost("web2", 3);
    return s;
}

// The partial load must plan exactly what two complete loads plan.
void expectSameAsFullPlan(const Sot& a, const Sot& b, const SotPairPlan& got) {
    ASSERT_TRUE(got.planned);
    const Plan full = computePlan(a.load(), b.load());
    EXPECT_EQ(planText(got.plan), planText(full));
}

TEST(SotPair, InventoryFiles) {
    EXPECT_TRUE(isInventoryFile("sites/lab/inventory.yml"));
    EXPECT_TRUE(isInventoryFile("sites/lab/racks/r1.yaml"));
    EXPECT_FALSE(isInventoryFile("sites/lab/env.yml"));
    EXPECT_FALSE(isInventoryFile("sites/lab/notes.txt"));
    EXPECT_FALSE(isInventoryFile("workflows/web.yml"));
}

TEST(SotPair, IdenticalInventoryIsNeverLoadedFromOld) {
    const Sot a = split();
    SotPairPlan p = planSotFiles(a.files(), a.files());
    EXPECT_EQ(p.old_inventory_files, 3u);
    EXPECT_EQ(p.old_inventory_files_loaded, 0u);
    EXPECT_FALSE(p.plan.hasChanges());
    EXPECT_EQ(p.plan.hosts_old, 3u);
    expectSameAsFullPlan(a, a, p);
}

TEST(SotPair, ASnippetEditLoadsOnlyTheFilesOfTheHostsItReaches) {
    const Sot a = split();
    Sot b = a;
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    SotPairPlan p = planSotFiles(a.files(), b.files());
    EXPECT_EQ(p.old_inventory_files_loaded, 1u);  // db.yml
    EXPECT_EQ(p.old_inventory_files_late, 0u);    // guessed while NEW loaded
    ASSERT_EQ(p.plan.sites.size(), 1u);
    ASSERT_EQ(p.plan.sites[0].hosts.size(), 1u);
    EXPECT_EQ(p.plan.sites[0].hosts[0].host, "db1");
    EXPECT_EQ(p.plan.hosts_old, 3u);
    expectSameAsFullPlan(a, b, p);
}

// OLD's files read on the loader thread; the OLD hosts rendered while NEW loaded give the
// same plan as rendering them afterwards.
TEST(SotPair, OldFilesReadOnTheLoaderThreadAndRenderedAhead) {
    const Sot a = split();
    Sot b = a;
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    bool read = false;
    SotPairPlan p = planSotFiles(
        [&]() -> Result<std::vector<model::SotFile>> {
            read = true;
            return a.files();
        },
        b.files());
    EXPECT_TRUE(read);
    EXPECT_TRUE(p.old_error.empty());
    EXPECT_LE(p.old_hosts_rendered_ahead, 1u) << "db1 at most: the only host whose inputs moved";
    expectSameAsFullPlan(a, b, p);

    SotPairPlan none = planSotFiles(
        []() -> Result<std::vector<model::SotFile>> { return Status::unavailable("no OLD"); },
        b.files());
    EXPECT_EQ(none.old_error, "no OLD");
    EXPECT_FALSE(none.planned);
}

// A cached OLD rendering stands for the host's OLD side (here a made-up one, so the plan
// shows it).
TEST(SotPair, ComputePlanTakesOldArtifactsRenderedAhead) {
    const Sot a = split();
    Sot b = a;
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    auto old_model = a.load();
    const model::Host* db1 = old_model->host("lab", "db1");
    ASSERT_NE(db1, nullptr);
    std::unordered_map<const model::Host*, HostArtifacts> ahead;
    HostArtifacts fake = ArtifactRenderer(old_model).render(*old_model->site("lab"), *db1);
    ASSERT_FALSE(fake.stages.empty());
    fake.stages[0].ipxe.bytes = "#!ipxe\nmade up\n";
    ahead.emplace(db1, fake);
    PlanOptions options;
    options.old_artifacts = &ahead;
    const Plan with = computePlan(old_model, b.load(), options);
    EXPECT_NE(planText(with).find("made up"), std::string::npos) << planText(with);
}

TEST(SotPair, HostsTheEarlyGuessMissesAreStillLoadedAndPlanned) {
    Sot a = split();
    // "d\x62" is "db" once YAML has decoded it: the file's text never names the workflow.
    a["sites/lab/x.yml"] =
        "name: pg1\ninterfaces:\n  - type: physical\n    subnet: net\n"
        "    mac: 52:54:00:00:00:05\n    ipv4: 10.99.0.15\nworkflow: \"d\\x62\"\n";
    Sot b = a;
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    SotPairPlan p = planSotFiles(a.files(), b.files());
    EXPECT_EQ(p.old_inventory_files_loaded, 2u);  // db.yml guessed, x.yml found afterwards
    EXPECT_EQ(p.old_inventory_files_late, 1u);
    expectSameAsFullPlan(a, b, p);
    EXPECT_EQ(p.plan.count(HostChangeKind::Changed), 2u);  // db1 and pg1
}

TEST(SotPair, EditedAddedAndDeletedFiles) {
    const Sot a = split();
    Sot b = a;
    b["sites/lab/web.yml"] = Sot::webHost("web1", 1) + "---\n" + Sot::dbHost("db9", 9);
    b.erase("sites/lab/db.yml");
    b["sites/lab/new.yml"] = Sot::dbHost("db1", 2);  // moved, unchanged
    b["assets/untyped/snippets/web.cfg"] = "{{define \"web\"}}listen=8080{{end}}";
    SotPairPlan p = planSotFiles(a.files(), b.files());
    EXPECT_EQ(p.old_inventory_files_loaded, 3u);  // web.yml, db.yml; more.yml for web2
    expectSameAsFullPlan(a, b, p);
    EXPECT_EQ(p.plan.count(HostChangeKind::New), 1u);
    EXPECT_EQ(p.plan.count(HostChangeKind::Changed), 2u);  // web1, web2
    EXPECT_EQ(p.plan.count(HostChangeKind::Removed), 0u);  // db1 moved files
}

TEST(SotPair, ARenamedSiteIsComparedTheLongWay) {
    const Sot a = split();
    Sot b = a;
    b.replace("sites/lab/env.yml", "id: lab", "id: lab2");
    SotPairPlan p = planSotFiles(a.files(), b.files());
    EXPECT_EQ(p.old_inventory_files_loaded, 3u);
    expectSameAsFullPlan(a, b, p);
    EXPECT_EQ(p.plan.count(HostChangeKind::New), 3u);
    EXPECT_EQ(p.plan.count(HostChangeKind::Removed), 3u);
}

TEST(SotPair, ErrorsStopBeforePlanning) {
    const Sot a = split();
    Sot b = a;
    b.replace("sites/lab/db.yml", "workflow: db", "workflow: nowhere");
    SotPairPlan p = planSotFiles(a.files(), b.files());
    EXPECT_FALSE(p.planned);
    EXPECT_TRUE(p.new_sot.hasErrors());
}

}  // namespace
}  // namespace vq::plan
