// The bundles agents download: the whole site, or only what changed since a revision the
// agent holds; never another site's files.

#include "server/bundle_store.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "model/load.h"
#include "model/sot_bundle.h"
#include "model/sot_delta.h"
#include "server/revision_log.h"

namespace vq::server {
namespace {

namespace fs = std::filesystem;

class BundleStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("vq_bundles_" + std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::copy("examples/vagrant-lab/local", root_, fs::copy_options::recursive);
        fs::create_directories(root_ / "sites/other");
        write("sites/other/env.yml", "id: other\n");
    }
    void TearDown() override { fs::remove_all(root_); }
    void write(const std::string& rel, const std::string& text) {
        std::ofstream(root_ / rel, std::ios::binary | std::ios::trunc) << text;
    }
    // Publishes the directory as it is and waits until its bundle is ready.
    uint64_t publish(BundleStore& store) {
        auto loaded = model::loadSot(root_);
        auto model = loaded.model;
        const uint64_t n = log_.publish(model, "local")->number;
        for (int i = 0; i < 500 && store.latest().revision != n; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return n;
    }
    fs::path root_;
    RevisionLog log_{4};
};

TEST_F(BundleStoreTest, AnAgentHoldingAKeptRevisionGetsOnlyTheChange) {
    BundleStore store(root_.string(), 2);
    store.start(log_);
    const uint64_t r1 = publish(store);
    auto whole1 = store.blob(r1, "test-site");
    ASSERT_TRUE(whole1) << whole1.message();
    auto files1 = model::unpackSot(**whole1);
    ASSERT_TRUE(files1);
    for (const auto& f : *files1)
        EXPECT_NE(f.path.rfind("sites/other/", 0), 0u) << f.path;

    write("os/new.yml", "id: new\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: k\n");
    fs::remove(root_ / "sites/test-site/inventory.yml");
    write("sites/other/env.yml", "id: other\nname: changed\n");  // not this site's business
    const uint64_t r2 = publish(store);
    ASSERT_GT(r2, r1);
    auto whole2 = store.blob(r2, "test-site");
    auto delta = store.blob(r2, "test-site", r1);
    ASSERT_TRUE(whole2 && delta);
    EXPECT_FALSE(model::isSotDelta(**whole2));
    ASSERT_TRUE(model::isSotDelta(**delta));
    EXPECT_LT((*delta)->size(), 300u);
    auto applied = model::applySotDelta(r1, *files1, **delta);
    ASSERT_TRUE(applied) << applied.message();
    EXPECT_EQ(*applied, *model::unpackSot(**whole2));

    // A revision the store does not keep (or the same one): the whole bundle.
    EXPECT_EQ(**store.blob(r2, "test-site", 99), **whole2);
    EXPECT_EQ(**store.blob(r2, "test-site", r2), **whole2);
    // Kept: the newest two.
    publish(store);
    EXPECT_FALSE(model::isSotDelta(**store.blob(r2 + 1, "test-site", r1)));
    EXPECT_EQ(store.blob(r1, "test-site").code(), StatusCode::not_found);
    store.stop();
}

// A revision no longer kept that a host is pinned to comes from `older` (the server's pinned
// revisions), as the agent's site only.
TEST_F(BundleStoreTest, ARevisionNoLongerKeptComesFromOlder) {
    BundleStore store(root_.string(), 1);
    store.start(log_);
    const uint64_t r1 = publish(store);
    auto files1 = model::unpackSot(**store.blob(r1, "test-site"));
    ASSERT_TRUE(files1);
    auto all1 = model::readSotFiles(root_);
    ASSERT_TRUE(all1);
    auto rev1 = log_.find(r1);
    ASSERT_TRUE(rev1);
    write("os/new.yml", "id: new\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: k\n");
    publish(store);
    EXPECT_EQ(store.blob(r1, "test-site").code(), StatusCode::not_found) << "no older: not kept";
    int asked = 0;
    store.setOlder(
        [&](uint64_t n) -> Result<std::pair<control::RevisionPtr,
                                            std::shared_ptr<const std::vector<model::SotFile>>>> {
            ++asked;
            if (n != r1)
                return Status::notFound("not pinned");
            return std::make_pair(rev1, std::make_shared<const std::vector<model::SotFile>>(*all1));
        });
    auto again = store.blob(r1, "test-site");
    ASSERT_TRUE(again) << again.message();
    EXPECT_EQ(*model::unpackSot(**again), *files1) << "the site's files only, as before";
    (void)store.blob(r1, "test-site");
    EXPECT_EQ(asked, 1) << "packed once, then kept for the next agent";
    EXPECT_EQ(store.blob(r1 + 7, "test-site").code(), StatusCode::not_found);
    store.stop();
}

}  // namespace
}  // namespace vq::server
