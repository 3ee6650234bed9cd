#include "http/static_files.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "http/mime.h"

namespace vq::http {
namespace {

namespace fs = std::filesystem;

TEST(SanitizePath, RefusesTraversalAndOddSpellings) {
    for (const char* bad :
         {"", "../etc/passwd", "a/../../etc/passwd", "%2e%2e/etc/passwd", "%2E%2E/x", "a%2f..%2fb",
          "a%2F..", "..%5c..%5cwin.ini", "/etc/passwd", "%2fetc/passwd", "a//b", "./a", "a/.", "a/",
          "a\\b", "a%00b", "%zz", ".."}) {
        EXPECT_FALSE(sanitizeRelativePath(bad).has_value()) << bad;
    }
}

TEST(SanitizePath, AcceptsOrdinaryPaths) {
    EXPECT_EQ(sanitizeRelativePath("coreos/vmlinuz"), "coreos/vmlinuz");
    EXPECT_EQ(sanitizeRelativePath("a%20b.txt"), "a b.txt");
    EXPECT_EQ(sanitizeRelativePath("..hidden/x"), "..hidden/x");
    EXPECT_EQ(sanitizeRelativePath("v1.2/file..gz"), "v1.2/file..gz");
}

class StaticFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("vq_files_" + std::to_string(::getpid()));
        fs::create_directories(root_ / "base" / "sub");
        std::ofstream(root_ / "base" / "sub" / "hello.txt") << "hello world";
        std::ofstream(root_ / "secret.txt") << "secret";
        fs::create_symlink(root_ / "secret.txt", root_ / "base" / "escape");
        fs::create_symlink("sub/hello.txt", root_ / "base" / "inside");
    }
    void TearDown() override { fs::remove_all(root_); }

    Response get(const std::string& rest, const std::string& range = "") {
        StaticFiles files((root_ / "base").string());
        Request req;
        req.rest = rest;
        fields_.clear();
        if (!range.empty())
            fields_.set(boost::beast::http::field::range, range);
        req.fields = &fields_;
        return files.serve(req);
    }

    fs::path root_;
    boost::beast::http::fields fields_;
};

TEST_F(StaticFilesTest, ServesWholeFileAndRanges) {
    auto r = get("sub/hello.txt");
    EXPECT_EQ(r.status, 200u);
    ASSERT_TRUE(r.file);
    EXPECT_EQ(r.file->length(), 11u);
    EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");

    auto part = get("sub/hello.txt", "bytes=6-");
    EXPECT_EQ(part.status, 206u);
    ASSERT_TRUE(part.file);
    EXPECT_EQ(part.file->offset(), 6u);
    EXPECT_EQ(part.file->length(), 5u);

    EXPECT_EQ(get("sub/hello.txt", "bytes=50-").status, 416u);
}

TEST_F(StaticFilesTest, SymlinksInsideAreFollowedOutsideRefused) {
    EXPECT_EQ(get("inside").status, 200u);
    EXPECT_EQ(get("escape").status, 403u);
    EXPECT_EQ(get("../secret.txt").status, 403u);
    EXPECT_EQ(get("sub").status, 404u);
    EXPECT_EQ(get("missing").status, 404u);
}

TEST(Mime, ByExtension) {
    EXPECT_EQ(contentTypeFor("a/b.JSON"), "application/json");
    EXPECT_EQ(contentTypeFor("vmlinuz"), "application/octet-stream");
    EXPECT_EQ(contentTypeFor("x.tar.gz"), "application/gzip");
    EXPECT_EQ(contentTypeFor("dir.d/file"), "application/octet-stream");
}

}  // namespace
}  // namespace vq::http
