#include "model/sot_bundle.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <zstd.h>

#include "base/bytes.h"

namespace vq::model {
namespace {

namespace fs = std::filesystem;

class SotBundleTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("vq-bundle-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    void put(const std::string& rel, const std::string& data) {
        fs::create_directories((dir_ / "src" / rel).parent_path());
        std::ofstream(dir_ / "src" / rel, std::ios::binary) << data;
    }
    fs::path dir_;
};

// A raw (uncompressed) bundle body, for inputs packSot would never make.
std::string compress(const std::vector<uint8_t>& raw) {
    std::string out(ZSTD_compressBound(raw.size()), '\0');
    out.resize(ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 1));
    return out;
}
std::string rawBundle(const std::vector<std::pair<std::string, std::string>>& files,
                      uint32_t count) {
    ByteWriter w;
    w.str("VQSOT1");
    w.u32(count);
    for (const auto& [p, d] : files) {
        w.u32(static_cast<uint32_t>(p.size()));
        w.str(p);
        w.u32(static_cast<uint32_t>(d.size()));
        w.str(d);
    }
    return compress(w.data());
}

TEST_F(SotBundleTest, RoundTripsADirectoryByteForByte) {
    put("sites/s1/env.yml", "id: s1\n");
    put("assets/ignition/a.yml", std::string("bin\0ary\xff", 8));
    put("empty", "");
    put(".git/config", "[core]\n");  // never part of a SoT
    auto files = readSotFiles(dir_ / "src");
    ASSERT_TRUE(files) << files.message();
    ASSERT_EQ(files->size(), 3u);
    EXPECT_EQ((*files)[0].path, "assets/ignition/a.yml");
    EXPECT_EQ((*files)[0].data, std::string("bin\0ary\xff", 8));
    EXPECT_EQ((*files)[1].path, "empty");
    EXPECT_EQ((*files)[2].path, "sites/s1/env.yml");

    const std::string blob = packSot(*files);
    auto back = unpackSot(blob);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(*back, *files);

    ASSERT_TRUE(writeSotFiles(*back, dir_ / "out"));
    auto again = readSotFiles(dir_ / "out");
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *files);
}

TEST_F(SotBundleTest, SameFilesInAnyOrderGiveTheSameBlob) {
    std::vector<SotFile> a{{"b", "2"}, {"a", "1"}};
    std::vector<SotFile> b{{"a", "1"}, {"b", "2"}};
    EXPECT_EQ(packSot(a), packSot(b));
    EXPECT_NE(packSot(a), packSot({{"a", "1"}, {"b", "3"}}));
}

TEST_F(SotBundleTest, AMissingDirectoryIsNotFound) {
    auto files = readSotFiles(dir_ / "nope");
    ASSERT_FALSE(files);
    EXPECT_EQ(files.status().code(), StatusCode::not_found);
}

TEST_F(SotBundleTest, RefusesPathsThatLeaveTheDirectory) {
    for (const std::string& p : std::vector<std::string>{"../x", "/etc/passwd", "a/../../x", "a//b",
                                                         "./a", "a/", "", std::string("a\0b", 3)}) {
        auto r = unpackSot(rawBundle({{p, "data"}}, 1));
        EXPECT_FALSE(r) << "accepted '" << p << "'";
    }
    EXPECT_FALSE(writeSotFiles({{"../x", "data"}}, dir_ / "out"));
    EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(SotBundleTest, RefusesMalformedBlobs) {
    EXPECT_FALSE(unpackSot(""));
    EXPECT_FALSE(unpackSot("not zstd at all"));
    const std::string good = packSot({{"a", "1"}, {"b", "2"}});
    EXPECT_FALSE(unpackSot(good.substr(0, good.size() - 3)));
    EXPECT_FALSE(unpackSot(compress({'V', 'Q', 'S', 'O', 'T', '9', 0, 0, 0, 0})));
    // A count larger than the files present, repeated or unsorted paths, trailing bytes.
    EXPECT_FALSE(unpackSot(rawBundle({{"a", "1"}}, 2)));
    EXPECT_FALSE(unpackSot(rawBundle({{"a", "1"}, {"a", "2"}}, 2)));
    EXPECT_FALSE(unpackSot(rawBundle({{"b", "1"}, {"a", "2"}}, 2)));
    EXPECT_FALSE(unpackSot(rawBundle({{"a", "1"}}, 0)));
    EXPECT_TRUE(unpackSot(rawBundle({{"a", "1"}, {"b", "2"}}, 2)));
}

TEST_F(SotBundleTest, EnforcesLimits) {
    const std::string blob = packSot({{"a", std::string(1000, 'x')}, {"b", "y"}});
    EXPECT_TRUE(unpackSot(blob, SotBundleLimits{2, 1001}));
    EXPECT_FALSE(unpackSot(blob, SotBundleLimits{1, 1001}));
    EXPECT_FALSE(unpackSot(blob, SotBundleLimits{2, 1000}));
}

TEST_F(SotBundleTest, WritesOnlyIntoAnEmptyDirectory) {
    put("a", "1");
    EXPECT_FALSE(writeSotFiles({{"b", "2"}}, dir_ / "src"));
    EXPECT_FALSE(fs::exists(dir_ / "src" / "b"));
}

}  // namespace
}  // namespace vq::model
