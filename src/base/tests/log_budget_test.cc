#include "base/log_budget.h"

#include <gtest/gtest.h>

namespace vq {
namespace {

TEST(LogBudget, WritesTheFirstLinesOfASecondOnly) {
    LogBudget budget("test", 3);
    int written = 0;
    for (int i = 0; i < 1000; ++i)
        written += budget.take() ? 1 : 0;
    EXPECT_EQ(written, 3);
}

}  // namespace
}  // namespace vq
