#include "http/query.h"

#include <gtest/gtest.h>

namespace vq::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlus) {
    EXPECT_EQ(percentDecode("a%20b"), "a b");
    EXPECT_EQ(percentDecode("a+b"), "a+b");
    EXPECT_EQ(percentDecode("a+b", true), "a b");
    EXPECT_EQ(percentDecode("%3a%3A"), "::");
    EXPECT_EQ(percentDecode(""), "");
}

TEST(PercentDecode, RejectsMalformed) {
    for (const char* bad : {"%", "%2", "%zz", "%2g", "abc%", "%00"}) {
        EXPECT_FALSE(percentDecode(bad).has_value()) << bad;
    }
}

TEST(PercentEncode, RoundTrips) {
    const std::string s = "a b/c:d?e&f=g~h";
    EXPECT_EQ(percentEncode(s), "a%20b%2Fc%3Ad%3Fe%26f%3Dg~h");
    EXPECT_EQ(percentDecode(percentEncode(s)), s);
}

TEST(Query, ParsesIpxeStyleQuery) {
    auto q = Query::parse("mac=52-54-00-12-34-56&uuid=&hostname=node%201&domain&x=1&x=2");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->value("mac"), "52-54-00-12-34-56");
    EXPECT_EQ(q->value("uuid", "none"), "");
    EXPECT_EQ(q->value("hostname"), "node 1");
    EXPECT_TRUE(q->has("domain"));
    EXPECT_FALSE(q->has("missing"));
    EXPECT_EQ(q->value("missing", "dflt"), "dflt");
    ASSERT_EQ(q->all("x").size(), 2u);
    EXPECT_EQ(q->all("x")[1], "2");
}

TEST(Query, EmptyPartsAreSkippedAndBadEscapesFail) {
    auto q = Query::parse("&&a=1&");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->items().size(), 1u);
    EXPECT_FALSE(Query::parse("a=%zz").has_value());
}

}  // namespace
}  // namespace vq::http
