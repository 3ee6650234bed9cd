#include "power/action.h"

#include <gtest/gtest.h>

namespace vq::power {
namespace {

TEST(PowerActionTest, NamesRoundTrip) {
    for (Action a :
         {Action::Status, Action::On, Action::Off, Action::Cycle, Action::Soft, Action::Pxe}) {
        const auto parsed = parseAction(actionName(a));
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(*parsed, a);
    }
}

TEST(PowerActionTest, UnknownAndCaseVariantsAreRejected) {
    EXPECT_FALSE(parseAction("reset").has_value());
    EXPECT_FALSE(parseAction("ON").has_value());
    EXPECT_FALSE(parseAction("").has_value());
}

}  // namespace
}  // namespace vq::power
