#include "base/utf8.h"

#include <gtest/gtest.h>

namespace vq {
namespace {

constexpr size_t kOk = std::string_view::npos;

TEST(Utf8, ValidTextPasses) {
    EXPECT_EQ(firstInvalidUtf8(""), kOk);
    EXPECT_EQ(firstInvalidUtf8("plain ascii\n"), kOk);
    EXPECT_EQ(firstInvalidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x84"), kOk);
    EXPECT_EQ(firstInvalidUtf8("\xef\xbb\xbf"
                               "bom"),
              kOk);
    EXPECT_EQ(firstInvalidUtf8("\xf4\x8f\xbf\xbf"), kOk);  // U+10FFFF
}

TEST(Utf8, FindsTheFirstBadByte) {
    EXPECT_EQ(firstInvalidUtf8("ab"
                               "\xff"),
              2u);
    EXPECT_EQ(firstInvalidUtf8("a\xc3\x28"), 1u);         // bad continuation
    EXPECT_EQ(firstInvalidUtf8("abc\xc3"), 3u);           // cut short
    EXPECT_EQ(firstInvalidUtf8("\xc0\xaf"), 0u);          // overlong '/'
    EXPECT_EQ(firstInvalidUtf8("\xe0\x80\xaf"), 0u);      // overlong
    EXPECT_EQ(firstInvalidUtf8("x\xed\xa0\x80"), 1u);     // surrogate U+D800
    EXPECT_EQ(firstInvalidUtf8("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
    EXPECT_EQ(firstInvalidUtf8("\xf5\x80\x80\x80"), 0u);
    EXPECT_EQ(firstInvalidUtf8("ok\x80"), 2u);  // lone continuation
}

}  // namespace
}  // namespace vq
