#include "server/migrate.h"

#include <filesystem>
#include <sstream>

#include "etcd/testing/fake_etcd.h"
#include <gtest/gtest.h>
#include <unistd.h>

#include "server/stored_state.h"
#include "store/etcd_progress_store.h"
#include "store/etcd_rollout_store.h"
#include "store/sqlite_progress_store.h"
#include "store/sqlite_rollout_store.h"

namespace vq::server {
namespace {

namespace fs = std::filesystem;
using namespace workflow;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "vq-migrate-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

Config embedded(const fs::path& dir, const std::string& sot = "cp") {
    Config c;
    c.save_path = dir.string();
    SotSourceConfig s;
    s.id = sot;
    c.sots.push_back(s);
    return c;
}

Config etcdConfig(const std::string& root = "vq") {
    Config c;
    c.etcd.present = true;
    c.etcd.endpoints = {"http://127.0.0.1:1"};  // never dialled: the fake is plugged in
    c.etcd.root = root;
    return c;
}

SotState readEmbedded(const fs::path& dir) {
    auto db = store::SqliteDb::openDir(dir.string());
    EXPECT_TRUE(db);
    auto r = store::SqliteRolloutStore::on(*db);
    auto p = store::SqliteProgressStore::on(*db);
    auto s = readSot(**r, **p);
    EXPECT_TRUE(s) << s.message();
    return *s;
}

// Two sites, a revision with binary bytes, history and progress.
void fillEmbedded(const fs::path& dir) {
    auto db = store::SqliteDb::openDir(dir.string());
    ASSERT_TRUE(db);
    auto r = store::SqliteRolloutStore::on(*db);
    auto p = store::SqliteProgressStore::on(*db);
    ASSERT_TRUE(
        (*r)->saveRevision(StoredRevision{3, "cp", "abc", WallTime(std::chrono::milliseconds(42)),
                                          std::string("\0\1bundle\xff", 9)}));
    for (const char* site : {"lab", "edge"}) {
        HostRecord h;
        h.key = std::string(site) + "/node1";
        h.phase = Phase::booting;
        h.revision = 3;
        StoredTransition t;
        t.time = WallTime(std::chrono::milliseconds(1'800'000'000'000));
        t.transition = PhaseTransition{h.key, Phase::pending, Phase::booting, 0, 3, "out of date"};
        ASSERT_TRUE((*r)->wait((*r)->saveRollout(
            RolloutChanges{{h}, {FlowRecord{std::string(site) + "/w", false, "", true}}}, {t},
            10)));
        HostProgress hp;
        hp.site = site;
        hp.host = "node1";
        hp.workflow = "w";
        hp.boot = "disk";
        hp.updated = WallTime(std::chrono::milliseconds(1'800'000'000'123));
        hp.checkpoints = 2;
        ASSERT_TRUE((*p)->save(hp));
    }
}

struct Migrate : ::testing::Test {
    TempDir a, b;
    std::shared_ptr<etcd::FakeEtcd> fake = std::make_shared<etcd::FakeEtcd>();
    std::shared_ptr<etcd::Client> client = std::make_shared<etcd::Client>(fake);
    std::ostringstream out, err;

    int run(MigrateFlags f,
            const Config& src,
            const Config& dst,
            std::function<bool(const std::string&)> confirm = nullptr) {
        if (f.src.empty())
            f.src = "src.yaml";
        if (f.dst.empty())
            f.dst = "dst.yaml";
        out.str("");
        err.str("");
        MigrateIo io;
        io.out = &out;
        io.err = &err;
        io.confirm = std::move(confirm);
        io.src_etcd = client;
        io.dst_etcd = client;
        return runMigrate(f, src, dst, io);
    }
};

TEST_F(Migrate, EmbeddedToEtcdToEmbeddedIsIdentical) {
    fillEmbedded(a.path);
    ASSERT_EQ(run({}, embedded(a.path), etcdConfig()), 0) << err.str();
    EXPECT_TRUE(client->get("vq/cp/lab/hosts/node1").value());
    EXPECT_TRUE(client->get("vq/cp/edge/progress/node1").value());
    ASSERT_EQ(run({}, etcdConfig(), embedded(b.path)), 0) << err.str();
    const SotState first = readEmbedded(a.path);
    const SotState second = readEmbedded(b.path);
    EXPECT_EQ(firstDifference(first, second), "");
    EXPECT_EQ(firstDifference(second, first), "");
    EXPECT_EQ(first.sites.size(), 2u);
    EXPECT_EQ(first.revisions.size(), 1u);
}

// A record that follows the planned revision (stored without naming it) arrives naming it,
// and the planned revision comes along: the copy means the same in a store of another kind.
TEST_F(Migrate, AHostFollowingThePlannedRevisionKeepsItAcrossStores) {
    fillEmbedded(a.path);
    {
        auto db = store::SqliteDb::openDir(a.path.string());
        ASSERT_TRUE(db);
        auto r = store::SqliteRolloutStore::on(*db);
        HostRecord follows;
        follows.key = "lab/node2";
        RolloutChanges c{{follows}, {}};
        c.follow = 3;
        ASSERT_TRUE((*r)->wait((*r)->saveRollout(c, {}, 10)));
    }
    const SotState source = readEmbedded(a.path);
    EXPECT_EQ(source.follow, 3u);
    EXPECT_EQ(source.sites.at("lab").hosts.at("node2").revision, 3u) << "named when read";
    ASSERT_EQ(run({}, embedded(a.path), etcdConfig()), 0) << err.str();
    EXPECT_EQ(client->get("vq/cp/_rollout_follow").value()->value, "3");
    ASSERT_EQ(run({}, etcdConfig(), embedded(b.path)), 0) << err.str();
    const SotState copy = readEmbedded(b.path);
    EXPECT_EQ(copy.follow, 3u);
    EXPECT_EQ(copy.sites.at("lab").hosts.at("node2").provisioned_revision, 3u);
    EXPECT_EQ(firstDifference(source, copy), "");
}

TEST_F(Migrate, EachBrokenRuleIsExit2NamingIt) {
    const Config src = embedded(a.path);
    const Config dst = etcdConfig();
    MigrateFlags f;
    f.src_site = "lab";
    EXPECT_EQ(run(f, src, dst), 2);
    EXPECT_NE(err.str().find("--src-site needs --src-sot"), std::string::npos) << err.str();
    f = {};
    f.dst_sot = "x";
    EXPECT_EQ(run(f, src, dst), 2);
    EXPECT_NE(err.str().find("--dst-sot needs a source SoT"), std::string::npos);
    f = {};
    f.src_sot = "cp";
    f.dst_site = "x";
    EXPECT_EQ(run(f, src, dst), 2);
    EXPECT_NE(err.str().find("--dst-site needs both SoTs"), std::string::npos);
    EXPECT_EQ(brokenMigrateRule(MigrateFlags{"a", "b", "s", "l", "t", "m", false, false}), "");
}

TEST_F(Migrate, CollisionsWithoutATerminalAreRefusedAndListed) {
    fillEmbedded(a.path);
    ASSERT_EQ(run({}, embedded(a.path), etcdConfig()), 0);
    const int64_t before = fake->revision();
    EXPECT_EQ(run({}, embedded(a.path), etcdConfig()), 1);
    EXPECT_NE(err.str().find("cp/lab/hosts/node1"), std::string::npos) << err.str();
    EXPECT_NE(err.str().find("cp/revision 3"), std::string::npos);
    EXPECT_EQ(fake->revision(), before);  // nothing written
    // Asked and refused: nothing written; asked and accepted, or --ovwrt: copied.
    EXPECT_EQ(run({}, embedded(a.path), etcdConfig(), [](const std::string&) { return false; }), 1);
    EXPECT_EQ(fake->revision(), before);
    EXPECT_EQ(run({}, embedded(a.path), etcdConfig(), [](const std::string&) { return true; }), 0);
    MigrateFlags over;
    over.overwrite = true;
    EXPECT_EQ(run(over, embedded(a.path), etcdConfig()), 0) << err.str();
}

TEST_F(Migrate, RenamesASiteAndDeletesOnlyItsSource) {
    fillEmbedded(a.path);
    ASSERT_EQ(run({}, embedded(a.path), etcdConfig()), 0);
    MigrateFlags f;
    f.src_sot = "cp";
    f.src_site = "lab";
    f.dst_sot = "cp2";
    f.dst_site = "lab2";
    f.del = true;
    ASSERT_EQ(run(f, etcdConfig(), etcdConfig()), 0) << err.str();
    auto moved = client->get("vq/cp2/lab2/hosts/node1");
    ASSERT_TRUE(moved && *moved);
    EXPECT_NE((*moved)->value.find("lab2/node1"), std::string::npos);
    EXPECT_FALSE(client->get("vq/cp/lab/hosts/node1").value());  // the source site is gone
    EXPECT_TRUE(client->get("vq/cp/edge/hosts/node1").value());  // the other one is not
}

// A server of several SoTs keeps each SoT's embedded store in its own directory: each moves
// from its own, and into its own.
TEST_F(Migrate, EachSotOfAServerOfSeveralMovesFromAndToItsOwnStore) {
    Config src = embedded(a.path);
    SotSourceConfig edge;
    edge.id = "edge";
    src.sots.push_back(edge);
    fillEmbedded(a.path);
    fillEmbedded(a.path / "sots/edge");
    ASSERT_EQ(run({}, src, etcdConfig()), 0) << err.str();
    EXPECT_TRUE(client->get("vq/cp/lab/hosts/node1").value());
    EXPECT_TRUE(client->get("vq/edge/lab/hosts/node1").value());

    Config dst = src;
    dst.save_path = b.path.string();
    ASSERT_EQ(run({}, etcdConfig(), dst), 0) << err.str();
    ASSERT_TRUE(fs::exists(b.path / "sots/edge/vaquero.db"));
    EXPECT_EQ(
        firstDifference(readEmbedded(a.path / "sots/edge"), readEmbedded(b.path / "sots/edge")),
        "");
    EXPECT_EQ(firstDifference(readEmbedded(a.path), readEmbedded(b.path)), "");

    // One SoT by name, from its own store, with its records only.
    MigrateFlags only;
    only.src_sot = "edge";
    only.dst_sot = "moved";
    ASSERT_EQ(run(only, src, etcdConfig()), 0) << err.str();
    EXPECT_TRUE(client->get("vq/moved/edge/hosts/node1").value());
}

TEST_F(Migrate, AMissingEmbeddedSourceIsAUsageError) {
    EXPECT_EQ(run({}, embedded(a.path / "nothing"), etcdConfig()), 2);
    EXPECT_NE(err.str().find("no embedded store"), std::string::npos);
}

}  // namespace
}  // namespace vq::server
