#include "base/bytes.h"

#include <gtest/gtest.h>

namespace vq {
namespace {

TEST(ByteReaderTest, ReadsBigEndianAndFailsStickyOnShortInput) {
    const uint8_t data[] = {0x12, 0x34, 0x56, 0x78, 0x9a};
    ByteReader r(data);
    EXPECT_EQ(r.u16(), 0x1234);
    EXPECT_EQ(r.u16(), 0x5678);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.u32(), 0u);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.u8(), 0);  // stays failed
    EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteWriterTest, WritesBigEndian) {
    ByteWriter w;
    w.u16(0x0102);
    w.u32(0x03040506);
    w.str("ab");
    EXPECT_EQ(w.data(), (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 'a', 'b'}));
}

}  // namespace
}  // namespace vq
