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
    SotView view;
    view.sot = &sot;
    addSotStatusRoute(router, {view});
    http::Request req;
    req.path = "/sot";
    auto r = router.dispatch(req);
    ASSERT_EQ(r.status, 200u);
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["kind"], "local");
    EXPECT_EQ(j["root"], "/srv/sot");
}

TEST(SotStatusRoute, EverySotOfAServerOfSeveralIsDescribed) {
    SotSourceConfig a, b;
    a.id = "a";
    a.root = "/srv/a";
    b.id = "b";
    b.root = "/srv/b";
    SotView va, vb;
    va.sot = &a;
    vb.sot = &b;
    http::Router router;
    addSotStatusRoute(router, {va, vb});
    http::Request req;
    req.path = "/sot";
    auto r = router.dispatch(req);
    ASSERT_EQ(r.status, 200u);
    auto j = nlohmann::json::parse(r.body);
    ASSERT_EQ(j["sots"].size(), 2u) << r.body;
    EXPECT_EQ(j["sots"][0]["id"], "a");
    EXPECT_EQ(j["sots"][1]["root"], "/srv/b");
}

}  // namespace
}  // namespace vq::server
