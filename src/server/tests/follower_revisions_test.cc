#include "server/follower_revisions.h"

#include <gtest/gtest.h>

#include "model/sot_bundle.h"

namespace vq::server {
namespace {

// A one-site SoT whose only host is named `host`.
std::string bundle(const std::string& host) {
    std::vector<model::SotFile> files = {
        {"sites/lab/env.yml",
         "id: lab\nsubnets:\n  - {id: net, cidr: 10.99.0.0/24, gateway: 10.99.0.1, dns: "
         "[10.99.0.2]}\n"
         "agents:\n  - name: a1\n    asset_server: {addr: 10.99.0.5, port: 8080}\n"},
        {"sites/lab/inventory.yml",
         "name: " + host +
             "\ninterfaces:\n  - {type: physical, subnet: net, mac: '52:54:00:12:34:56', "
             "ipv4: 10.99.0.10}\nworkflow: disk-only\n"},
        {"os/disk.yml",
         "id: disk\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: http://x/vmlinuz\n"},
        {"boot/disk.yml", "id: disk\noperating_system: disk\n"},
        {"workflows/disk-only.yml", "id: disk-only\nworkflow:\n  - boot: disk\n"},
    };
    return model::packSot(std::move(files));
}

struct Fixture {
    workflow::MemoryRolloutStore* store = nullptr;
    std::unique_ptr<FollowerRevisions> revisions;
    Fixture() {
        auto s = std::make_unique<workflow::MemoryRolloutStore>();
        store = s.get();
        revisions = std::make_unique<FollowerRevisions>(std::move(s), std::chrono::hours(1));
    }
    void save(uint64_t n, const std::string& host) {
        ASSERT_TRUE(store->saveRevision({n, "cp", "", {}, bundle(host)}));
    }
};

TEST(FollowerRevisions, NothingStoredIsNoRevision) {
    Fixture f;
    EXPECT_TRUE(f.revisions->refresh());
    EXPECT_EQ(f.revisions->latest(), nullptr);
}

TEST(FollowerRevisions, TheNewestStoredRevisionIsLoadedAndToldOnce) {
    Fixture f;
    std::vector<uint64_t> told;
    f.revisions->subscribe([&](const control::RevisionPtr& r) { told.push_back(r->number); });
    f.save(3, "node1");
    f.save(4, "node2");
    Status st = f.revisions->refresh();
    ASSERT_TRUE(st) << st.message();
    auto latest = f.revisions->latest();
    ASSERT_NE(latest, nullptr);
    EXPECT_EQ(latest->number, 4u);
    EXPECT_EQ(latest->source_id, "cp");
    ASSERT_NE(latest->model->site("lab"), nullptr);
    EXPECT_EQ(latest->model->site("lab")->hosts.front().name, "node2");
    ASSERT_TRUE(f.revisions->refresh());  // unchanged: nobody told again
    EXPECT_EQ(told, std::vector<uint64_t>{4});

    f.save(5, "node3");
    ASSERT_TRUE(f.revisions->refresh());
    EXPECT_EQ(told, (std::vector<uint64_t>{4, 5}));
    // Both kept, with their files, for bundles and deltas.
    EXPECT_NE(f.revisions->revision(4), nullptr);
    auto files = f.revisions->files(5);
    ASSERT_TRUE(files) << files.message();
    EXPECT_EQ(files->size(), 5u);
    EXPECT_FALSE(f.revisions->files(3));
}

// A revision a host is pinned to that this server never kept (it was never the newest here,
// or is no longer among the kept): loaded from the store for the agent that asks.
TEST(FollowerRevisions, AnOlderStoredRevisionIsLoadedOnRequest) {
    Fixture f;
    f.save(3, "node1");
    f.save(4, "node2");
    ASSERT_TRUE(f.revisions->refresh());
    ASSERT_EQ(f.revisions->revision(3), nullptr) << "never the newest here";
    auto older = f.revisions->older(3);
    ASSERT_TRUE(older) << older.message();
    EXPECT_EQ(older->first->number, 3u);
    EXPECT_EQ(older->first->model->site("lab")->hosts.front().name, "node1");
    EXPECT_EQ(older->second->size(), 5u);
    auto kept = f.revisions->older(4);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->first, f.revisions->latest()) << "a kept one is not loaded again";
    EXPECT_EQ(f.revisions->older(9).code(), StatusCode::not_found);
}

TEST(FollowerRevisions, ALateSubscriberIsToldTheLatest) {
    Fixture f;
    f.save(1, "node1");
    ASSERT_TRUE(f.revisions->refresh());
    uint64_t told = 0;
    f.revisions->subscribe([&](const control::RevisionPtr& r) { told = r->number; });
    EXPECT_EQ(told, 1u);
}

TEST(FollowerRevisions, ABrokenBundleIsAnErrorNotARevision) {
    Fixture f;
    ASSERT_TRUE(f.store->saveRevision({1, "cp", "", {}, "not a bundle"}));
    EXPECT_FALSE(f.revisions->refresh());
    EXPECT_EQ(f.revisions->latest(), nullptr);
}

}  // namespace
}  // namespace vq::server
