#include "http/response.h"

#include <gtest/gtest.h>

namespace vq::http {
namespace {

TEST(ResponseTest, StatusFollowsTheFailureKind) {
    EXPECT_EQ(httpStatusFor(StatusCode::invalid_argument), 400u);
    EXPECT_EQ(httpStatusFor(StatusCode::permission_denied), 403u);
    EXPECT_EQ(httpStatusFor(StatusCode::not_found), 404u);
    EXPECT_EQ(httpStatusFor(StatusCode::conflict), 409u);
    EXPECT_EQ(httpStatusFor(StatusCode::failed_precondition), 409u);
    EXPECT_EQ(httpStatusFor(StatusCode::unavailable), 503u);
    EXPECT_EQ(httpStatusFor(StatusCode::deadline_exceeded), 504u);
    EXPECT_EQ(httpStatusFor(StatusCode::internal), 500u);
    EXPECT_EQ(httpStatusFor(StatusCode::unknown), 500u);
}

TEST(ResponseTest, ErrorBodyIsTheReasonPhraseAndTheLogKeepsTheDetail) {
    Response r = Response::error(503, "store full");
    EXPECT_EQ(r.status, 503u);
    EXPECT_EQ(r.body, "Service Unavailable\n");
    EXPECT_EQ(r.log_reason, "store full");
}

}  // namespace
}  // namespace vq::http
