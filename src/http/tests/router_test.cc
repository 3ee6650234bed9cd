#include "http/router.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace vq::http {
namespace {

Request get(std::string path, Method m = Method::get) {
    Request r;
    r.method = m;
    r.path = r.target = std::move(path);
    return r;
}

TEST(Router, ExactBeforePrefixAndLongestPrefixWins) {
    Router router;
    router.exact("/ipxe", [](const Request&) { return Response::text(200, "ipxe"); });
    router.prefix("/", [](const Request& r) { return Response::text(200, "root:" + r.rest); });
    router.prefix("/files/",
                  [](const Request& r) { return Response::text(200, "files:" + r.rest); });
    auto r1 = get("/ipxe");
    EXPECT_EQ(router.dispatch(r1).body, "ipxe");
    auto r2 = get("/files/a/b.txt");
    EXPECT_EQ(router.dispatch(r2).body, "files:a/b.txt");
    auto r3 = get("/other");
    EXPECT_EQ(router.dispatch(r3).body, "root:other");
}

TEST(Router, NotFoundAndMethodNotAllowed) {
    Router router;
    router.exact("/a", [](const Request&) { return Response::text(200, "a"); });
    auto missing = get("/b");
    EXPECT_EQ(router.dispatch(missing).status, 404u);
    auto post = get("/a", Method::post);
    auto resp = router.dispatch(post);
    EXPECT_EQ(resp.status, 405u);
    ASSERT_EQ(resp.headers.size(), 1u);
    EXPECT_EQ(resp.headers[0].second, "GET, HEAD");
    auto head = get("/a", Method::head);
    EXPECT_EQ(router.dispatch(head).status, 200u);
}

TEST(Router, AGuardAnswersInsteadOfTheHandlerWhenItRefuses) {
    Router router;
    router.exact("/open", [](const Request&) { return Response::text(200, "open"); });
    router.exact("/closed", [](const Request&) { return Response::text(200, "closed"); });
    router.guard([](const Request& r) -> std::optional<Response> {
        if (r.path == "/closed")
            return Response::error(401, "no");
        return std::nullopt;
    });
    auto a = get("/open");
    EXPECT_EQ(router.dispatch(a).body, "open");
    auto b = get("/closed");
    EXPECT_EQ(router.dispatch(b).status, 401u);
    auto c = get("/missing");
    EXPECT_EQ(router.dispatch(c).status, 404u) << "unmatched paths stay 404";
}

TEST(Router, ThrowingHandlerBecomes500) {
    Router router;
    router.exact("/boom", [](const Request&) -> Response { throw std::runtime_error("x"); });
    auto r = get("/boom");
    auto resp = router.dispatch(r);
    EXPECT_EQ(resp.status, 500u);
    EXPECT_NE(resp.log_reason.find("x"), std::string::npos);
}

TEST(Router, PostRoute) {
    Router router;
    router.exact(
        "/checkpoint", [](const Request& r) { return Response::text(200, r.body); },
        Methods{Method::post, Method::get});
    auto r = get("/checkpoint", Method::post);
    r.body = "ok";
    EXPECT_EQ(router.dispatch(r).body, "ok");
}

}  // namespace
}  // namespace vq::http
