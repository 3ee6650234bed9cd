#include "git/tree_files.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace vq::git {
namespace {
namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(TreeFiles, SafeRelativePath) {
    EXPECT_TRUE(safeRelativePath("sites/a/env.yml"));
    EXPECT_TRUE(safeRelativePath("a..b/c"));
    EXPECT_FALSE(safeRelativePath(""));
    EXPECT_FALSE(safeRelativePath("/etc/passwd"));
    EXPECT_FALSE(safeRelativePath("a/../../etc"));
    EXPECT_FALSE(safeRelativePath("a//b"));
    EXPECT_FALSE(safeRelativePath("./a"));
    EXPECT_FALSE(safeRelativePath("a/"));
}

TEST(TreeFiles, WriteTreeReplacesTheDirectory) {
    const fs::path dir = fs::path(testing::TempDir()) /
                         ("vq_tree_files_test" + std::string("-") + std::to_string(::getpid()) +
                          "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name()) /
                         "tree";
    fs::remove_all(dir.parent_path());
    ASSERT_TRUE(writeTree({{"a.yml", "one"}, {"sub/b.yml", "two"}}, dir));
    EXPECT_EQ(slurp(dir / "sub/b.yml"), "two");
    ASSERT_TRUE(writeTree({{"c.yml", "three"}}, dir));
    EXPECT_EQ(slurp(dir / "c.yml"), "three");
    EXPECT_FALSE(fs::exists(dir / "a.yml"));  // nothing of the old tree is left behind
    EXPECT_FALSE(writeTree({{"../escape", "x"}}, dir));
    EXPECT_EQ(slurp(dir / "c.yml"), "three");  // a refused tree leaves the old one
    EXPECT_FALSE(fs::exists(dir.parent_path() / "escape"));
    fs::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace vq::git
