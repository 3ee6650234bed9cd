// The agent's cache: the newest revision as a whole bundle and the deltas that followed it,
// folded into a new bundle once the chain is long; and the manifest.
#include "remote/revision_cache.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "model/sot_bundle.h"
#include "model/sot_delta.h"

namespace vq::remote {
namespace {

namespace fs = std::filesystem;

struct RevisionCacheTest : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("vq-rc-" + std::to_string(::getpid()));
    void SetUp() override { fs::remove_all(dir); }
    void TearDown() override { fs::remove_all(dir); }
    size_t filesIn() const {
        return static_cast<size_t>(std::distance(fs::directory_iterator(dir), {}));
    }
};

TEST_F(RevisionCacheTest, KeepsTheRevisionAndManifest) {
    RevisionCache cache(dir);
    EXPECT_EQ(cache.loadRevision().code(), StatusCode::not_found);

    const std::string blob = model::packSot({{"sites/a/env.yml", "id: a\n"}, {"os/x.yml", "x"}});
    ASSERT_TRUE(cache.saveRevision({{4, "local", "abc"}, blob, {}}));
    ASSERT_TRUE(cache.saveManifest(R"({"revision":4,"hosts":{}})"));
    auto back = RevisionCache(dir).loadRevision();
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->info.revision, 4u);
    EXPECT_EQ(back->info.source_id, "local");
    EXPECT_EQ(back->blob, blob);
    EXPECT_TRUE(back->deltas.empty());
    EXPECT_EQ(*cache.loadManifest(), R"({"revision":4,"hosts":{}})");
}

TEST_F(RevisionCacheTest, DeltasAreChainedThenFoldedIntoAWholeBundle) {
    // A bundle that does not compress to nothing: the deltas must stay under a quarter of it.
    std::string noise;
    uint32_t x = 12345;
    for (int i = 0; i < 65536; ++i) {
        x = x * 1103515245u + 12345u;
        noise += static_cast<char>('a' + (x >> 16) % 26);
    }
    std::vector<model::SotFile> files = {{"os/x.yml", noise}, {"sites/a/env.yml", "id: a\n"}};
    RevisionCache cache(dir);
    ASSERT_TRUE(cache.saveRevision({{1, "local", ""}, model::packSot(files), {}}));
    std::vector<std::string> sent;
    uint64_t newest = 1;
    for (uint64_t r = 2; r < 2 + RevisionCache::kMaxDeltas; ++r) {
        auto next = files;
        next.push_back({"os/r" + std::to_string(r) + ".yml", "r"});
        std::sort(next.begin(), next.end(),
                  [](const auto& a, const auto& b) { return a.path < b.path; });
        std::string delta = model::packSotDelta(r - 1, files, next);
        EXPECT_EQ(cache.saveDelta({r, "local", ""}, r + 5, delta).code(),
                  StatusCode::failed_precondition)
            << "a delta against another revision than the newest cached";
        ASSERT_TRUE(cache.saveDelta({r, "local", ""}, r - 1, delta)) << r;
        files = std::move(next);
        newest = r;
    }
    auto back = RevisionCache(dir).loadRevision();
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->info.revision, newest);
    ASSERT_EQ(back->deltas.size(), RevisionCache::kMaxDeltas);
    auto rebuilt = model::unpackSot(back->blob);
    for (const auto& d : back->deltas)
        rebuilt = model::applySotDelta(d.base, *rebuilt, d.blob);
    ASSERT_TRUE(rebuilt) << rebuilt.message();
    EXPECT_EQ(*rebuilt, files);

    // Full: the caller saves the whole, which starts the chain again and removes the rest.
    EXPECT_EQ(cache.saveDelta({newest + 1, "local", ""}, newest, "d").code(),
              StatusCode::failed_precondition);
    ASSERT_TRUE(cache.saveRevision({{newest + 1, "local", ""}, model::packSot(files), {}}));
    EXPECT_EQ(filesIn(), 2u) << "revision.json and the new bundle";
    auto again = RevisionCache(dir).loadRevision();
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->deltas.empty());
}

TEST_F(RevisionCacheTest, ACacheWrittenBeforeChainsStillLoads) {
    fs::create_directories(dir);
    const std::string blob = model::packSot({{"os/x.yml", "x"}});
    std::ofstream(dir / "bundle.zst", std::ios::binary) << blob;
    std::ofstream(dir / "revision.json") << R"({"revision":3,"source_id":"local","commit":""})";
    RevisionCache cache(dir);
    auto back = cache.loadRevision();
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->blob, blob);
    ASSERT_TRUE(cache.saveRevision({{4, "local", ""}, blob, {}}));
    EXPECT_FALSE(fs::exists(dir / "bundle.zst"));
}

TEST_F(RevisionCacheTest, PinnedRevisionsAreKeptBesideAndDroppedWhenNoLongerPinned) {
    RevisionCache cache(dir);
    ASSERT_TRUE(cache.saveRevision({{9, "local", ""}, model::packSot({{"os/x.yml", "9"}}), {}}));
    ASSERT_TRUE(cache.savePinned(3, "three"));
    ASSERT_TRUE(cache.savePinned(5, "five"));
    std::ofstream(dir / "pinned-x.zst") << "not a revision";
    EXPECT_EQ(cache.pinnedRevisions(), (std::set<uint64_t>{3, 5}));
    EXPECT_EQ(*cache.loadPinned(5), "five");
    cache.dropPinnedExcept({5});
    EXPECT_EQ(cache.pinnedRevisions(), std::set<uint64_t>{5});
    EXPECT_EQ(cache.loadPinned(3).code(), StatusCode::not_found);
    EXPECT_TRUE(RevisionCache(dir).loadRevision()) << "the newest is untouched";
}

TEST_F(RevisionCacheTest, AnIndexNamingAPathOutsideIsRefused) {
    fs::create_directories(dir);
    std::ofstream(dir / "revision.json")
        << R"({"revision":3,"source_id":"local","commit":"","bundle":"../x"})";
    EXPECT_EQ(RevisionCache(dir).loadRevision().code(), StatusCode::invalid_argument);
}

}  // namespace
}  // namespace vq::remote
