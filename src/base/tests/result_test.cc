#include "base/result.h"

#include <gtest/gtest.h>

namespace vq {
namespace {

Status failsWith(const std::string& m) {
    return Status::error(m);
}
Result<int> number(bool ok) {
    return ok ? Result<int>(7) : Result<int>::error("no number");
}

Status chain(bool status_ok, bool result_ok) {
    VQ_TRY(status_ok ? Status::ok() : failsWith("bad status"));
    VQ_TRY(number(result_ok));
    return Status::ok();
}

TEST(ResultTest, TryPropagatesStatusAndResultErrors) {
    EXPECT_TRUE(chain(true, true).isOk());
    EXPECT_EQ(chain(false, true).message(), "bad status");
    EXPECT_EQ(chain(true, false).message(), "no number");
}

TEST(ResultTest, HoldsValueOrError) {
    auto r = number(true);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, 7);
    EXPECT_TRUE(r.message().empty());
    EXPECT_FALSE(number(false));
}

Status notFoundThroughTry() {
    VQ_TRY(Result<int>::error(StatusCode::not_found, "no host h1"));
    return Status::ok();
}

TEST(ResultTest, TryKeepsTheCode) {
    Status st = notFoundThroughTry();
    EXPECT_EQ(st.code(), StatusCode::not_found);
    EXPECT_EQ(st.message(), "no host h1");
}

TEST(ResultTest, CodesAreKeptAndNamed) {
    EXPECT_EQ(Status::ok().code(), StatusCode::ok);
    EXPECT_EQ(Status::error("x").code(), StatusCode::unknown);
    EXPECT_EQ(Status::unavailable("disk full").code(), StatusCode::unavailable);
    EXPECT_FALSE(Status::invalidArgument("x"));
    EXPECT_EQ(toString(StatusCode::failed_precondition), "failed_precondition");
    Result<int> r = Status::conflict("halted");
    EXPECT_EQ(r.code(), StatusCode::conflict);
    EXPECT_EQ(number(true).code(), StatusCode::ok);
}

TEST(ResultTest, PrefixKeepsTheCode) {
    Status st = Status::notFound("no boot b").prefixed("site s1");
    EXPECT_EQ(st.code(), StatusCode::not_found);
    EXPECT_EQ(st.message(), "site s1: no boot b");
    EXPECT_TRUE(Status::ok().prefixed("ctx").isOk());
}

}  // namespace
}  // namespace vq
