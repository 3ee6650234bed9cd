// Deltas between SoT file sets: applied to their base they give exactly the new set; made
// against another base, truncated or hostile they are refused, never crash.

#include "model/sot_delta.h"

#include <gtest/gtest.h>

namespace vq::model {
namespace {

std::vector<SotFile> v1() {
    return {{"boot/a.yml", "id: a\n"},
            {"os/x.yml", "id: x\n"},
            {"sites/s/env.yml", "id: s\n"},
            {"sites/s/hosts.yml", "name: h\n"},
            {"workflows/w.yml", "id: w\n"}};
}

std::vector<SotFile> v2() {
    return {{"assets/ignition/n.yml", "systemd: {}\n"},  // added first
            {"boot/a.yml", "id: a\n"},
            {"os/renamed.yml", "id: x\n"},            // renamed from os/x.yml
            {"sites/s/env.yml", "id: s\nname: S\n"},  // changed
            {"sites/s/more.yml", "name: h2\n"},       // added in the middle
            {"workflows/w.yml", "id: w\n"}};          // hosts.yml deleted
}

TEST(SotDelta, AppliedToItsBaseGivesTheNewFiles) {
    const std::string delta = packSotDelta(7, v1(), v2());
    EXPECT_TRUE(isSotDelta(delta));
    EXPECT_FALSE(isSotDelta(packSot(v2())));
    auto out = applySotDelta(7, v1(), delta);
    ASSERT_TRUE(out) << out.message();
    EXPECT_EQ(*out, v2());
    // Back again, and to and from nothing.
    auto back = applySotDelta(8, v2(), packSotDelta(8, v2(), v1()));
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(*back, v1());
    auto all = applySotDelta(1, {}, packSotDelta(1, {}, v2()));
    ASSERT_TRUE(all);
    EXPECT_EQ(*all, v2());
    auto none = applySotDelta(1, v2(), packSotDelta(1, v2(), {}));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST(SotDelta, CarriesOnlyWhatChanged) {
    std::vector<SotFile> big = v1();
    big.insert(big.begin() + 4, {"sites/s/zz-big.yml", std::string(1 << 20, 'x')});
    std::vector<SotFile> next = big;
    next[0].data = "id: a\nname: A\n";
    EXPECT_LT(packSotDelta(1, big, next).size(), 200u);
    auto out = applySotDelta(1, big, packSotDelta(1, big, next));
    ASSERT_TRUE(out) << out.message();
    EXPECT_EQ(*out, next);
}

TEST(SotDelta, AnotherBaseIsRefused) {
    auto out = applySotDelta(6, v1(), packSotDelta(7, v1(), v2()));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.code(), StatusCode::failed_precondition);
}

TEST(SotDelta, DamagedDeltasAreRefused) {
    const std::string delta = packSotDelta(7, v1(), v2());
    for (size_t cut = 0; cut < delta.size(); cut += 3)
        EXPECT_FALSE(applySotDelta(7, v1(), delta.substr(0, cut))) << cut;
    std::string flipped = delta;
    flipped[flipped.size() / 2] ^= 0x5a;
    (void)applySotDelta(7, v1(), flipped);  // an error or, by chance, files: never a crash
    EXPECT_FALSE(applySotDelta(7, v1(), "VQSOTD1\ngarbage"));
    EXPECT_FALSE(applySotDelta(7, v1(), packSot(v2())));
    SotBundleLimits small;
    small.max_files = 3;
    EXPECT_FALSE(applySotDelta(7, v1(), delta, small));
}

}  // namespace
}  // namespace vq::model
