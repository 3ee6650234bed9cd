#include "store/sqlite_rollout_store.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "store/tests/rollout_store_contract.h"

namespace vq::store {
namespace {

namespace fs = std::filesystem;
using namespace workflow;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "vq-rollout-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::unique_ptr<SqliteRolloutStore> open(const fs::path& dir) {
    auto db = SqliteDb::openDir(dir.string());
    EXPECT_TRUE(db) << db.message();
    auto s = SqliteRolloutStore::on(*db);
    EXPECT_TRUE(s) << s.message();
    return std::move(*s);
}

TEST(SqliteRolloutStore, RecordsAndHistorySurviveReopening) {
    TempDir dir;
    contract::recordsAndHistorySurviveReopening([&] { return open(dir.path); });
}

TEST(SqliteRolloutStore, ThePlannedRevisionSurvivesReopening) {
    TempDir dir;
    contract::thePlannedRevisionSurvivesReopening([&] { return open(dir.path); });
}

TEST(SqliteRolloutStore, RevisionsKeepTheirBundleAndPruneAroundPins) {
    TempDir dir;
    contract::revisionsKeepTheirBundleAndPruneAroundPins([&] { return open(dir.path); });
}

TEST(SqliteRolloutStore, RevisionNumbersAreHandedOutOnceAcrossReopening) {
    TempDir dir;
    {
        auto s = open(dir.path);
        ASSERT_TRUE(s->saveRevision(StoredRevision{4, "local", "", {}, "files"}));
        EXPECT_EQ(s->allocateRevisionNumber(1).value(), 5u) << "after the stored ones";
        EXPECT_EQ(s->allocateRevisionNumber(1).value(), 6u);
        // 6's own write never happens (a full disk, a kill): 6 is still taken.
    }
    auto s = open(dir.path);
    auto latest = s->latestRevision();
    ASSERT_TRUE(latest && *latest);
    EXPECT_EQ((*latest)->number, 4u);
    EXPECT_EQ(s->allocateRevisionNumber((*latest)->number + 1).value(), 7u);
    EXPECT_EQ(s->allocateRevisionNumber(20).value(), 20u);
    EXPECT_EQ(s->allocateRevisionNumber(1).value(), 21u);
}

}  // namespace
}  // namespace vq::store
