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

}  // namespace
}  // namespace vq
