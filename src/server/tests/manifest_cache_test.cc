// Manifests are made once per change count and shared; an agent naming a change count still
// kept gets only what moved since; one naming a forgotten or no count gets the whole.
#include "server/manifest_cache.h"

#include "control/wire.h"
#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::server {
namespace {

std::shared_ptr<const model::Model> threeHosts(bool without_h3 = false) {
    std::string inventory;
    for (int i = 1; i <= (without_h3 ? 2 : 3); ++i) {
        inventory += "---\nname: h" + std::to_string(i) +
                     "\nworkflow: w1\ninterfaces:\n- type: physical\n  mac: 52:54:00:00:00:0" +
                     std::to_string(i) + "\n  subnet: net\n  ipv4: 10.99.0.1" + std::to_string(i) +
                     "\n";
    }
    std::vector<model::SotFile> files = {
        {"sites/s1/env.yml",
         "id: s1\nsubnets:\n- id: net\n  cidr: 10.99.0.0/24\n  dns: [10.99.0.1]\nagents:\n"
         "- name: a1\n"},
        {"sites/s1/inventory.yml", inventory},
        {"os/os.yml", "id: os1\nos_family: CoreOS\nboot:\n  kernel: k\n  initrd: [i]\n"},
        {"boot/b.yml", "id: b1\noperating_system: os1\n"},
        {"workflows/w.yml", "id: w1\nworkflow:\n- boot: b1\n"},
    };
    auto loaded = model::loadSotFiles(files);
    EXPECT_TRUE(loaded.model) << (loaded.diagnostics.empty() ? ""
                                                             : loaded.diagnostics[0].toString());
    return loaded.model;
}

struct ManifestCacheTest : ::testing::Test {
    std::map<std::string, control::ServedBoot> state{
        {"h1", {"b1", 0}}, {"h2", {"b1", 0}}, {"h3", {"b1", 0}}};
    ManifestCache cache{[this](const model::Site&, const model::Host& h, const model::Model&) {
                            return state[h.name];
                        },
                        2};
    std::shared_ptr<const model::Model> m = threeHosts();

    control::wire::Manifest ask(uint64_t changes,
                                uint64_t since,
                                const std::shared_ptr<const model::Model>& model = nullptr) {
        const auto& use = model ? model : m;
        auto text = cache.answer(*use, *use->site("s1"), 1, changes, since);
        auto decoded = control::wire::decodeManifest(*text);
        EXPECT_TRUE(decoded) << *text;
        return decoded ? *decoded : control::wire::Manifest{};
    }
};

TEST_F(ManifestCacheTest, AgentsPollingTogetherShareOneManifest) {
    auto first = cache.answer(*m, *m->site("s1"), 1, 5, 0);
    auto second = cache.answer(*m, *m->site("s1"), 1, 5, 0);
    EXPECT_EQ(first, second) << "the same bytes, made once";
    EXPECT_EQ(cache.made(), 1u);
    auto whole = ask(5, 0);
    EXPECT_EQ(whole.base, 0u);
    EXPECT_EQ(whole.hosts.size(), 3u);
}

TEST_F(ManifestCacheTest, AnAgentNamingAKeptCountGetsWhatMoved) {
    (void)ask(5, 0);
    state["h2"] = {"b1", 1};
    auto delta = ask(6, 5);
    EXPECT_EQ(delta.base, 5u);
    EXPECT_EQ(delta.changes, 6u);
    ASSERT_EQ(delta.hosts.size(), 1u);
    EXPECT_EQ(delta.hosts["h2"].stage, 1u);
    EXPECT_TRUE(delta.removed.empty());
    EXPECT_EQ(cache.deltas(), 1u);
    // Nothing moved: an empty delta, the numbers only.
    auto quiet = ask(7, 6);
    EXPECT_EQ(quiet.base, 6u);
    EXPECT_TRUE(quiet.hosts.empty());
}

TEST_F(ManifestCacheTest, HostsGoneAreNamed) {
    (void)ask(5, 0);
    auto fewer = threeHosts(/*without_h3=*/true);
    auto delta = ask(6, 5, fewer);
    EXPECT_EQ(delta.removed, std::vector<std::string>{"h3"});
    EXPECT_TRUE(delta.hosts.empty());
}

TEST_F(ManifestCacheTest, AForgottenOrUnknownCountGetsTheWholeManifest) {
    (void)ask(5, 0);
    (void)ask(6, 5);
    (void)ask(7, 6);  // keeps 2: 5 is forgotten
    auto whole = ask(8, 5);
    EXPECT_EQ(whole.base, 0u);
    EXPECT_EQ(whole.hosts.size(), 3u);
    EXPECT_EQ(ask(9, 4242).base, 0u);
}

}  // namespace
}  // namespace vq::server
