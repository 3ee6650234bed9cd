#include "http/event_stream.h"

#include <gtest/gtest.h>

namespace vq::http {
namespace {

TEST(SseFrame, OneLineIsOneDataField) {
    EXPECT_EQ(sseFrame("{\"a\":1}"), "data: {\"a\":1}\n\n");
}

TEST(SseFrame, EveryLineGetsItsOwnFieldAndCarriageReturnsGo) {
    EXPECT_EQ(sseFrame("a\r\nb\nc"), "data: a\ndata: b\ndata: c\n\n");
    EXPECT_EQ(sseFrame(""), "data: \n\n");
}

}  // namespace
}  // namespace vq::http
