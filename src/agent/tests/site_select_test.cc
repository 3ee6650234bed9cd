#include "agent/site_select.h"

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::agent {
namespace {

TEST(SiteSelect, OnlySiteAndAgentByDefaultNamedOnesOtherwise) {
    auto loaded = model::loadSot("examples/vagrant-lab/local");
    ASSERT_TRUE(loaded.model);
    ASSERT_FALSE(loaded.hasErrors());
    const model::Model& m = *loaded.model;
    auto only = selectSiteAgent(m, "", "");
    ASSERT_TRUE(only) << only.message();
    EXPECT_EQ(only->site_id, "test-site");
    EXPECT_EQ(only->agent.name, "test-agent");
    EXPECT_EQ(only->agent.asset_server.port, 24602);
    EXPECT_EQ(only->agent.asset_server.addr, "10.10.10.5");
    EXPECT_TRUE(selectSiteAgent(m, "test-site", "test-agent"));
    auto bad_site = selectSiteAgent(m, "nope", "");
    ASSERT_FALSE(bad_site);
    EXPECT_EQ(bad_site.code(), StatusCode::not_found);
    EXPECT_NE(bad_site.message().find("test-site"), std::string::npos);
    EXPECT_FALSE(selectSiteAgent(m, "", "other-agent"));
}

}  // namespace
}  // namespace vq::agent
