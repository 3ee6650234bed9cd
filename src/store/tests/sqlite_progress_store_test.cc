#include "store/sqlite_progress_store.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

namespace vq::store {
namespace {

namespace fs = std::filesystem;
using workflow::HostProgress;
using workflow::HostState;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "vq-store-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
};

HostProgress sample(const std::string& host = "h1") {
    HostProgress p;
    p.site = "lab";
    p.host = host;
    p.workflow = "two";
    p.stage = 1;
    p.boot = "disk";
    p.state = HostState::provisioned;
    p.updated = workflow::WallTime(std::chrono::milliseconds(1795000000123));
    p.checkpoints = 7;
    return p;
}

TEST(SqliteProgressStore, CreatesDirectoryAndRoundTrips) {
    TempDir dir;
    const fs::path save = dir.path / "state" / "nested";
    auto store = SqliteProgressStore::openDir(save.string());
    ASSERT_TRUE(store) << store.message();
    EXPECT_TRUE(fs::exists(save / "vaquero.db"));

    auto none = (*store)->load("lab", "h1");
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);

    ASSERT_TRUE((*store)->save(sample()));
    HostProgress second = sample("h0");
    second.state = HostState::booting;
    second.workflow.clear();  // a seed-era host
    ASSERT_TRUE((*store)->save(second));
    auto got = (*store)->load("lab", "h1");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ(**got, sample());

    // Replacing a record keeps one row per host.
    HostProgress changed = sample();
    changed.stage = 0;
    changed.boot = "install";
    ASSERT_TRUE((*store)->save(changed));
    auto all = (*store)->all();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0], second);  // sorted by site, host
    EXPECT_EQ((*all)[1], changed);
}

TEST(SqliteProgressStore, SurvivesReopening) {
    TempDir dir;
    {
        auto store = SqliteProgressStore::openDir(dir.path.string());
        ASSERT_TRUE(store);
        for (int i = 0; i < 50; ++i)
            ASSERT_TRUE((*store)->save(sample("h" + std::to_string(i))));
    }
    auto store = SqliteProgressStore::openDir(dir.path.string());
    ASSERT_TRUE(store) << store.message();
    auto all = (*store)->all();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 50u);
    auto got = (*store)->load("lab", "h42");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ(**got, sample("h42"));
}

TEST(SqliteProgressStore, UsesWalAndRecordsTheSchemaVersion) {
    TempDir dir;
    auto store = SqliteProgressStore::openDir(dir.path.string());
    ASSERT_TRUE(store);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir.path / "vaquero.db").c_str(), &db), SQLITE_OK);
    auto scalar = [db](const char* sql) {
        sqlite3_stmt* st = nullptr;
        std::string out;
        if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
        return out;
    };
    EXPECT_EQ(scalar("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(scalar("SELECT version FROM schema_version"), "4");
    // A newer schema is refused, not misread.
    ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    store->reset();
    auto again = SqliteProgressStore::openDir(dir.path.string());
    ASSERT_FALSE(again);
    EXPECT_NE(again.message().find("schema version 99"), std::string::npos) << again.message();
}

TEST(SqliteProgressStore, UnwritablePathIsAClearError) {
    TempDir dir;
    const fs::path file = dir.path / "plain-file";
    std::ofstream(file) << "x";
    auto under_file = SqliteProgressStore::openDir((file / "state").string());
    ASSERT_FALSE(under_file);
    EXPECT_NE(under_file.message().find("cannot create SavePath"), std::string::npos)
        << under_file.message();

    // A database file that cannot be opened (here a directory in its place, which stops
    // root as well as anyone else) names the file.
    const fs::path blocked = dir.path / "blocked";
    fs::create_directories(blocked / "vaquero.db");
    auto denied = SqliteProgressStore::openDir(blocked.string());
    ASSERT_FALSE(denied);
    EXPECT_NE(denied.message().find("vaquero.db"), std::string::npos) << denied.message();
    EXPECT_EQ(denied.code(), StatusCode::unavailable) << denied.message();

    if (geteuid() != 0) {
        // Without root, a read-only directory is refused too.
        const fs::path ro = dir.path / "ro";
        fs::create_directories(ro);
        fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
        auto ro_denied = SqliteProgressStore::openDir(ro.string());
        fs::permissions(ro, fs::perms::owner_all);
        ASSERT_FALSE(ro_denied);
        EXPECT_NE(ro_denied.message().find("vaquero.db"), std::string::npos) << ro_denied.message();
    }
}

TEST(SqliteProgressStore, NotADatabaseIsAnError) {
    TempDir dir;
    std::ofstream(dir.path / "vaquero.db") << std::string(4096, 'z');
    auto store = SqliteProgressStore::openDir(dir.path.string());
    ASSERT_FALSE(store);
    EXPECT_NE(store.message().find("vaquero.db"), std::string::npos) << store.message();
}

}  // namespace
}  // namespace vq::store
