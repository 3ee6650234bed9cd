#include "http/range.h"

#include <gtest/gtest.h>

namespace vq::http {
namespace {

struct Case {
    const char* header;
    uint64_t size;
    RangeKind kind;
    uint64_t first;
    uint64_t length;
};

TEST(Range, Table) {
    const Case cases[] = {
        {"", 100, RangeKind::kNone, 0, 0},
        {"bytes=0-9", 100, RangeKind::kSatisfiable, 0, 10},
        {"bytes=90-", 100, RangeKind::kSatisfiable, 90, 10},
        {"bytes=90-1000", 100, RangeKind::kSatisfiable, 90, 10},
        {"bytes=-10", 100, RangeKind::kSatisfiable, 90, 10},
        {"bytes=-1000", 100, RangeKind::kSatisfiable, 0, 100},
        {"bytes=100-", 100, RangeKind::kUnsatisfiable, 0, 0},
        {"bytes=-0", 100, RangeKind::kUnsatisfiable, 0, 0},
        {"bytes=0-0", 0, RangeKind::kUnsatisfiable, 0, 0},
        {"bytes=5-3", 100, RangeKind::kNone, 0, 0},
        {"bytes=0-1,5-6", 100, RangeKind::kNone, 0, 0},
        {"items=0-1", 100, RangeKind::kNone, 0, 0},
        {"bytes=a-b", 100, RangeKind::kNone, 0, 0},
        {"bytes=-", 100, RangeKind::kNone, 0, 0},
        {"bytes=18446744073709551615-", 100, RangeKind::kUnsatisfiable, 0, 0},
        {"bytes=99999999999999999999-", 100, RangeKind::kNone, 0, 0},
    };
    for (const auto& c : cases) {
        auto r = parseRange(c.header, c.size);
        EXPECT_EQ(r.kind, c.kind) << c.header;
        if (c.kind == RangeKind::kSatisfiable) {
            EXPECT_EQ(r.range.first, c.first) << c.header;
            EXPECT_EQ(r.range.length, c.length) << c.header;
        }
    }
}

}  // namespace
}  // namespace vq::http
