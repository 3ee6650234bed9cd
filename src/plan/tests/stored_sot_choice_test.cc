#include "plan/stored_sot_choice.h"

#include <gtest/gtest.h>

namespace vq::plan {
namespace {

TEST(StoredSotChoice, SiteDirectoriesAreTheDirectoriesUnderSites) {
    const std::vector<NamedFile> files = {{"sites/lab/env.yml", ""},  {"sites/lab/hosts/a.yml", ""},
                                          {"sites/edge/env.yml", ""}, {"sites/loose.yml", ""},
                                          {"os/installer.yml", ""},   {"assets/sites/x/y.yml", ""}};
    EXPECT_EQ(siteDirectories(files), (std::set<std::string>{"edge", "lab"}));
}

TEST(StoredSotChoice, TheOnlyStoreIsPlannedAgainstWhateverItsSites) {
    auto chosen = chooseStoredSot({{"SavePath/vaquero.db", {"lab"}}}, {"other"});
    ASSERT_TRUE(chosen) << chosen.message();
    EXPECT_EQ(*chosen, 0u);
}

TEST(StoredSotChoice, OfSeveralTheStoreWithTheNewSotsSitesIsChosen) {
    const std::vector<StoredSot> stores = {{"SavePath/vaquero.db", {"lab"}},
                                           {"SavePath/sots/edge/vaquero.db", {"edge", "far"}}};
    auto chosen = chooseStoredSot(stores, {"far", "new-site"});
    ASSERT_TRUE(chosen) << chosen.message();
    EXPECT_EQ(*chosen, 1u);
    chosen = chooseStoredSot(stores, {"lab"});
    ASSERT_TRUE(chosen) << chosen.message();
    EXPECT_EQ(*chosen, 0u);
}

TEST(StoredSotChoice, NoStoreOrSeveralWithTheNewSotsSitesIsAnErrorListingThem) {
    const std::vector<StoredSot> stores = {{"SavePath/vaquero.db", {"lab"}},
                                           {"SavePath/sots/edge/vaquero.db", {"edge"}}};
    auto none = chooseStoredSot(stores, {"elsewhere"});
    ASSERT_FALSE(none);
    EXPECT_NE(none.message().find("none of the stores"), std::string::npos) << none.message();
    EXPECT_NE(none.message().find("SavePath/sots/edge/vaquero.db: edge"), std::string::npos)
        << none.message();
    auto both = chooseStoredSot(stores, {"lab", "edge"});
    ASSERT_FALSE(both);
    EXPECT_NE(both.message().find("several stores"), std::string::npos) << both.message();
}

}  // namespace
}  // namespace vq::plan
