#include "base/text.h"

#include <gtest/gtest.h>

namespace vq {
namespace {

TEST(TextTest, HexDigitValue) {
    EXPECT_EQ(hexDigitValue('0'), 0);
    EXPECT_EQ(hexDigitValue('9'), 9);
    EXPECT_EQ(hexDigitValue('a'), 10);
    EXPECT_EQ(hexDigitValue('F'), 15);
    EXPECT_EQ(hexDigitValue('g'), -1);
    EXPECT_EQ(hexDigitValue(':'), -1);
}

TEST(TextTest, CaseHelpers) {
    EXPECT_EQ(toLowerAscii("LogType-X9"), "logtype-x9");
    EXPECT_TRUE(equalsIgnoreCase("BlkSize", "blksize"));
    EXPECT_FALSE(equalsIgnoreCase("blksize", "blksiz"));
    EXPECT_FALSE(equalsIgnoreCase("tsize", "tsizf"));
}

TEST(TextTest, TrimAndDecimal) {
    EXPECT_EQ(trimBlanks(" \tbytes=0-9 \t"), "bytes=0-9");
    EXPECT_EQ(trimBlanks("   "), "");
    EXPECT_EQ(parseDecimal("1468"), 1468u);
    EXPECT_EQ(parseDecimal("18446744073709551615"), UINT64_MAX);
    for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "18446744073709551616", "1a"}) {
        EXPECT_FALSE(parseDecimal(bad)) << bad;
    }
}

}  // namespace
}  // namespace vq
