#include "remote/revision_cache.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "model/sot_bundle.h"

namespace vq::remote {
namespace {

namespace fs = std::filesystem;

TEST(RevisionCache, KeepsTheRevisionAndManifest) {
    const fs::path dir = fs::temp_directory_path() / ("vq-rc-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    RevisionCache cache(dir);
    EXPECT_EQ(cache.loadRevision().code(), StatusCode::not_found);

    const std::string blob = model::packSot({{"sites/a/env.yml", "id: a\n"}, {"os/x.yml", "x"}});
    ASSERT_TRUE(cache.saveRevision({{4, "local", "abc"}, blob}));
    ASSERT_TRUE(cache.saveManifest(R"({"revision":4,"hosts":{}})"));
    auto back = cache.loadRevision();
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->info.revision, 4u);
    EXPECT_EQ(back->info.source_id, "local");
    EXPECT_EQ(back->blob, blob);
    EXPECT_EQ(*cache.loadManifest(), R"({"revision":4,"hosts":{}})");
    fs::remove_all(dir);
}

}  // namespace
}  // namespace vq::remote
