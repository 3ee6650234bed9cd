#include "store/sqlite_db.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

namespace vq::store {
namespace {

namespace fs = std::filesystem;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "vq-db-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string scalar(sqlite3* db, const char* sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return out;
}

TEST(SqliteDb, MigratesAVersionOneFileKeepingItsRows) {
    TempDir dir;
    const fs::path file = dir.path / "vaquero.db";
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
        const char* v1 =
            "CREATE TABLE schema_version (version INTEGER NOT NULL);"
            "INSERT INTO schema_version VALUES (1);"
            "CREATE TABLE host_progress (site TEXT NOT NULL, host TEXT NOT NULL, workflow TEXT "
            "NOT NULL, stage INTEGER NOT NULL, boot TEXT NOT NULL, state TEXT NOT NULL, "
            "updated_ms INTEGER NOT NULL, checkpoints INTEGER NOT NULL, PRIMARY KEY (site, "
            "host)) WITHOUT ROWID;"
            "INSERT INTO host_progress VALUES ('lab','h1','wf',1,'disk','provisioned',5,2);";
        ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    {
        auto db = SqliteDb::openFile(file.string());
        ASSERT_TRUE(db) << db.message();
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(scalar(db, "SELECT group_concat(version) FROM schema_version"), "4");
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM rollout_follow"), "0");
    EXPECT_EQ(scalar(db, "SELECT boot FROM host_progress WHERE host = 'h1'"), "disk");
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM rollout_hosts"), "0");
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM revisions"), "0");
    sqlite3_close(db);
}

TEST(SqliteDb, ConcurrentWritersShareCommitsAndAFailedWriteIsUndoneAlone) {
    TempDir dir;
    auto opened = SqliteDb::openDir(dir.path.string());
    ASSERT_TRUE(opened) << opened.message();
    std::shared_ptr<SqliteDb> db = *opened;
    ASSERT_TRUE(db->write([](SqliteDb& d) { return d.exec("CREATE TABLE t (v INTEGER)"); }));
    const uint64_t before = db->commits();
    // A slow write holds the writer while the threads queue theirs: those must share commits.
    const auto slow = db->submit([](SqliteDb&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return Status::ok();
    });
    constexpr int kThreads = 8;
    constexpr int kEach = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            for (int j = 0; j < kEach; ++j) {
                const bool bad = j == 3;  // half a write, then an error: none of it stays
                Status st = db->write([i, j, bad](SqliteDb& d) -> Status {
                    const std::string sql =
                        "INSERT INTO t VALUES (" + std::to_string(i * 100 + j) + ")";
                    VQ_TRY(d.exec(sql.c_str()));
                    if (bad)
                        return d.exec("INSERT INTO no_such_table VALUES (1)");
                    return Status::ok();
                });
                if (!st)
                    ++failures;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_TRUE(db->wait(slow));
    EXPECT_EQ(failures.load(), kThreads);
    const uint64_t commits = db->commits() - before;
    EXPECT_LT(commits, static_cast<uint64_t>(kThreads * kEach))
        << "concurrent writes were committed together";
    auto count = db->read([](SqliteDb& d) { return scalar(d.handle(), "SELECT count(*) FROM t"); });
    EXPECT_EQ(count, std::to_string(kThreads * (kEach - 1)));
    auto sync = db->read([](SqliteDb& d) { return scalar(d.handle(), "PRAGMA synchronous"); });
    EXPECT_EQ(sync, "2") << "FULL: a commit is on disk when it returns";
}

}  // namespace
}  // namespace vq::store
