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

TEST(SqliteRolloutStore, RevisionsKeepTheirBundleAndPruneAroundPins) {
    TempDir dir;
    contract::revisionsKeepTheirBundleAndPruneAroundPins([&] { return open(dir.path); });
}

}  // namespace
}  // namespace vq::store
