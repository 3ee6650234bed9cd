#include "tftp/server/directory_file_source.h"

#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace vq::tftp {
namespace {

namespace fs = std::filesystem;

class DirectorySourceTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/vqtftpXXXXXX";
        base_ = ::mkdtemp(tmpl);
        fs::create_directories(base_ / "root/sub");
        fs::create_directories(base_ / "fallback");
        fs::create_directories(base_ / "outside");
        write(base_ / "root/a.bin", "hello");
        write(base_ / "root/sub/b.bin", "world");
        write(base_ / "outside/secret", "secret");
        write(base_ / "fallback/undionly.kpxe", "rom");
        write(base_ / "fallback/other", "other");
        fs::create_symlink(base_ / "outside/secret", base_ / "root/escape");
        fs::create_symlink("sub/b.bin", base_ / "root/inside");
    }
    void TearDown() override { fs::remove_all(base_); }
    static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

    DirectoryFileSource source(std::vector<std::string> names = {}) {
        DirectoryConfig c;
        c.root = base_ / "root";
        c.fallbacks = {FallbackDir{base_ / "fallback", std::move(names)}};
        return DirectoryFileSource(c);
    }
    static std::string text(const FileLookup& f) {
        auto b = f.file->bytes();
        return {b.begin(), b.end()};
    }
    fs::path base_;
};

TEST_F(DirectorySourceTest, ServesFilesAndSubdirectories) {
    auto s = source();
    EXPECT_EQ(text(s.open("a.bin")), "hello");
    EXPECT_EQ(text(s.open("sub/b.bin")), "world");
    EXPECT_EQ(text(s.open("sub\\b.bin")), "world");
    EXPECT_EQ(text(s.open("/a.bin")), "hello");
    EXPECT_EQ(text(s.open("./sub//b.bin")), "world");
    EXPECT_EQ(text(s.open((base_ / "root/a.bin").string())), "hello");
    EXPECT_EQ(text(s.open("inside")), "world");  // symlink that stays inside
}

TEST_F(DirectorySourceTest, RefusesEscapes) {
    auto s = source();
    for (const char* name : {"../outside/secret", "sub/../../outside/secret", "..", "escape",
                             "/etc/passwd", "..\\outside\\secret", "sub"}) {
        auto f = s.open(name);
        EXPECT_FALSE(f.ok()) << name;
        EXPECT_EQ(f.error, ErrorCode::AccessViolation) << name << ": " << f.reason;
    }
}

TEST_F(DirectorySourceTest, MissingIsNotFound) {
    auto s = source();
    auto f = s.open("nothing.efi");
    EXPECT_FALSE(f.ok());
    EXPECT_EQ(f.error, ErrorCode::FileNotFound);
    EXPECT_EQ(s.open("/").error, ErrorCode::FileNotFound);
}

TEST_F(DirectorySourceTest, FallbackHonoursItsNameList) {
    auto any = source();
    EXPECT_EQ(text(any.open("undionly.kpxe")), "rom");
    EXPECT_EQ(text(any.open("other")), "other");
    auto listed = source({"undionly.kpxe"});
    EXPECT_EQ(text(listed.open("undionly.kpxe")), "rom");
    EXPECT_EQ(listed.open("other").error, ErrorCode::FileNotFound);
    write(base_ / "root/undionly.kpxe", "mine");  // the root wins over fallbacks
    EXPECT_EQ(text(listed.open("undionly.kpxe")), "mine");
}

TEST_F(DirectorySourceTest, SharesOneBufferAndNoticesChanges) {
    auto s = source();
    auto a = s.open("a.bin");
    auto b = s.open("a.bin");
    EXPECT_EQ(a.file.get(), b.file.get());
    EXPECT_EQ(s.cachedFiles(), 1u);
    write(base_ / "root/a.bin", "changed!");
    auto c = s.open("a.bin");
    EXPECT_NE(a.file.get(), c.file.get());
    EXPECT_EQ(text(c), "changed!");
    EXPECT_EQ(text(a), "hello");  // transfers in flight keep what they started with
}

TEST(TftpName, Normalizes) {
    std::string rel, why;
    bool abs = false;
    ASSERT_TRUE(normalizeTftpName("/srv/tftp/x/y", "/srv/tftp", rel, abs, why));
    EXPECT_EQ(rel, "x/y");
    EXPECT_FALSE(abs);
    ASSERT_TRUE(normalizeTftpName("/x", "/srv/tftp", rel, abs, why));
    EXPECT_EQ(rel, "x");
    EXPECT_TRUE(abs);
    EXPECT_FALSE(normalizeTftpName("a/../b", "/r", rel, abs, why));
    EXPECT_TRUE(normalizeTftpName("a/..b", "/r", rel, abs, why));
}

}  // namespace
}  // namespace vq::tftp
