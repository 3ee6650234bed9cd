#include "base/file_set.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace vq {
namespace {

namespace fs = std::filesystem;

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(ReplaceFile, CreatesReplacesAndLeavesNothingAside) {
    const fs::path dir = fs::temp_directory_path() / ("vq-replace-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const fs::path file = dir / "sub" / "state";
    ASSERT_TRUE(replaceFile(file, std::string("first\0line\n", 11)));
    EXPECT_EQ(readAll(file), std::string("first\0line\n", 11));
    ASSERT_TRUE(replaceFile(file, "second", /*sync=*/true));
    EXPECT_EQ(readAll(file), "second");
    ASSERT_TRUE(replaceFile(file, ""));
    EXPECT_EQ(fs::file_size(file), 0u);
    EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
    // A directory in the way is an error, and the file stays as it was.
    fs::create_directories(file.string() + ".tmp");
    EXPECT_FALSE(replaceFile(file, "third"));
    EXPECT_EQ(fs::file_size(file), 0u);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace vq
