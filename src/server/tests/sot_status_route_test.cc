#include "server/sot_status_route.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vq::server {
namespace {

TEST(SotStatusRoute, LocalSotIsDescribed) {
    SotSourceConfig sot;
    sot.id = "local";
    sot.root = "/srv/sot";
    http::Router router;
    addSotStatusRoute(router, sot, nullptr);
    http::Request req;
    req.path = "/sot";
    auto r = router.dispatch(req);
    ASSERT_EQ(r.status, 200u);
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["kind"], "local");
    EXPECT_EQ(j["root"], "/srv/sot");
}

}  // namespace
}  // namespace vq::server
