// Manifests are made once per change count and shared; an agent naming any change count since
// the first manifest gets only what moved since; one naming an unknown, forgotten or no count
// gets the whole. Revisions are written relative to the one the engine planned last.
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
    uint64_t follow = 0;
    size_t removals = 100;
    ManifestCache cache{[this](const model::Site&, const model::Host& h, const model::Model&) {
                            return state[h.name];
                        },
                        [this] { return follow; }, removals};
    std::shared_ptr<const model::Model> m = threeHosts();

    control::wire::Manifest ask(uint64_t changes,
                                uint64_t since,
                                const std::shared_ptr<const model::Model>& model = nullptr,
                                ManifestCache* from = nullptr) {
        const auto& use = model ? model : m;
        auto text = (from ? *from : cache).answer(*use, *use->site("s1"), 1, changes, since);
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

TEST_F(ManifestCacheTest, AnAgentNamingAKnownCountGetsWhatMoved) {
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

TEST_F(ManifestCacheTest, EveryCountSinceTheFirstManifestGetsADelta) {
    (void)ask(5, 0);
    state["h2"] = {"b1", 1};
    (void)ask(6, 5);
    state["h3"] = {"b1", 1};
    (void)ask(7, 6);
    (void)ask(8, 7);
    (void)ask(9, 8);
    auto since5 = ask(10, 5);
    EXPECT_EQ(since5.base, 5u);
    EXPECT_EQ(since5.hosts.size(), 2u);
    auto since6 = ask(10, 6);
    ASSERT_EQ(since6.hosts.size(), 1u);
    EXPECT_EQ(since6.hosts.count("h3"), 1u);
    EXPECT_TRUE(ask(10, 10).hosts.empty()) << "the count it holds: nothing moved";
}

TEST_F(ManifestCacheTest, AManifestMadeForALaterCountAnswersAnEarlierOne) {
    (void)ask(9, 0);
    auto earlier = ask(8, 0);
    EXPECT_EQ(earlier.changes, 9u);
    EXPECT_EQ(cache.made(), 1u);
}

TEST_F(ManifestCacheTest, HostsGoneAreNamed) {
    (void)ask(5, 0);
    auto fewer = threeHosts(/*without_h3=*/true);
    auto delta = ask(6, 5, fewer);
    EXPECT_EQ(delta.removed, std::vector<std::string>{"h3"});
    EXPECT_TRUE(delta.hosts.empty());
    // Back again: named as it is now, not as gone.
    auto back = ask(7, 5);
    EXPECT_TRUE(back.removed.empty());
    EXPECT_EQ(back.hosts.count("h3"), 1u);
}

TEST_F(ManifestCacheTest, AnUnknownOrForgottenCountGetsTheWholeManifest) {
    (void)ask(5, 0);
    EXPECT_EQ(ask(6, 4242).base, 0u) << "a count this cache never made (another server's)";
    EXPECT_EQ(ask(7, 4).base, 0u) << "a count older than the first manifest";
    // Removals are remembered up to a bound: a delta that needs a forgotten one is whole.
    ManifestCache small{[this](const model::Site&, const model::Host& h, const model::Model&) {
                            return state[h.name];
                        },
                        {},
                        1};
    auto three = threeHosts(), two = threeHosts(true);
    (void)ask(5, 0, three, &small);
    (void)ask(6, 5, two, &small);    // h3 gone at 6
    (void)ask(7, 6, three, &small);  // back
    (void)ask(8, 7, two, &small);    // gone at 8: the removal at 6 is forgotten
    EXPECT_EQ(ask(9, 5, two, &small).base, 0u);
    auto since6 = ask(9, 6, two, &small);
    EXPECT_EQ(since6.base, 6u);
    EXPECT_EQ(since6.removed, std::vector<std::string>{"h3"});
}

// Hosts on the revision the engine planned last say 0, so a SoT change that moves every
// unchanged host onto it changes `follow`, not every entry; a host pinned elsewhere names
// its revision, and a move of its revision alone is in the delta.
TEST_F(ManifestCacheTest, RevisionsAreWrittenRelativeToTheFollowedOne) {
    follow = 7;
    state = {{"h1", {"b1", 0, 7}}, {"h2", {"b1", 0, 6}}, {"h3", {"b1", 0, 7}}};
    auto whole = ask(5, 0);
    EXPECT_EQ(whole.follow, 7u);
    EXPECT_EQ(whole.hosts["h1"].revision, 0u);
    EXPECT_EQ(whole.hosts["h2"].revision, 6u);
    follow = 8;
    state = {{"h1", {"b1", 0, 8}}, {"h2", {"b1", 0, 6}}, {"h3", {"b1", 0, 8}}};
    auto next = ask(6, 5);
    EXPECT_EQ(next.follow, 8u);
    EXPECT_TRUE(next.hosts.empty()) << "h1 and h3 follow, h2 stays pinned";
    state["h2"].revision = 8;  // h2 starts its provisioning from 8
    auto moved = ask(7, 6);
    ASSERT_EQ(moved.hosts.size(), 1u);
    EXPECT_EQ(moved.hosts["h2"].revision, 0u);
}

// The engine plans a revision while the manifest is being made: the hosts read before it
// would name the old revision and those read after the new one, so they are read again.
TEST_F(ManifestCacheTest, ARevisionPlannedWhileTheManifestIsMadeMovesNoEntry) {
    follow = 7;
    state = {{"h1", {"b1", 0, 7}}, {"h2", {"b1", 0, 7}}, {"h3", {"b1", 0, 7}}};
    (void)ask(5, 0);
    int reads = 0;
    ManifestCache racing{[&](const model::Site&, const model::Host& h, const model::Model&) {
                             if (++reads == 2) {  // the engine moves everyone onto 8
                                 follow = 8;
                                 for (auto& [name, s] : state)
                                     s.revision = 8;
                             }
                             return state[h.name];
                         },
                         [this] { return follow; }};
    follow = 7;
    for (auto& [name, s] : state)
        s.revision = 7;
    auto whole = ask(5, 0, nullptr, &racing);
    EXPECT_EQ(whole.follow, 8u);
    for (const auto& [name, s] : whole.hosts)
        EXPECT_EQ(s.revision, 0u) << name << " read again after the engine moved";
}

}  // namespace
}  // namespace vq::server
