#include "dhcp/codec/typed_option.h"

#include <gtest/gtest.h>

namespace vq::dhcp {
namespace {

struct Case {
    int64_t code;
    const char* type;
    const char* value;
    std::vector<uint8_t> want;
};

TEST(TypedOption, EncodesEveryType) {
    const Case cases[] = {
        {23, "uint8", "128", {128}},
        {57, "uint16", "1500", {0x05, 0xdc}},
        {51, "uint32", "86400", {0x00, 0x01, 0x51, 0x80}},
        {200, "int8", "-1", {0xff}},
        {201, "int16", "-2", {0xff, 0xfe}},
        {2, "int32", "-3600", {0xff, 0xff, 0xf1, 0xf0}},
        {28, "addresses", "10.0.0.251", {10, 0, 0, 251}},
        {69,
         "addresses",
         "10.0.0.251, 10.0.0.253,10.0.0.9",
         {10, 0, 0, 251, 10, 0, 0, 253, 10, 0, 0, 9}},
        {66,
         "string",
         "tftp.example",
         {'t', 'f', 't', 'p', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e'}},
        {224, "base64", "AQID/w==", {1, 2, 3, 0xff}},
        {225, "base64", "", {}},
    };
    for (const Case& c : cases) {
        auto got = encodeTypedOption(c.code, c.type, c.value);
        ASSERT_TRUE(got) << c.type << " " << c.value << ": " << got.message();
        EXPECT_EQ(got->code, c.code);
        EXPECT_EQ(got->data, c.want) << c.type << " " << c.value;
    }
}

TEST(TypedOption, ErrorsSayWhatIsWrong) {
    const std::pair<Case, const char*> bad[] = {
        {{0, "uint8", "1", {}}, "code must be in 1..254"},
        {{255, "uint8", "1", {}}, "code must be in 1..254"},
        {{53, "uint8", "1", {}}, "managed by the DHCP server"},
        {{23, "uint8", "256", {}}, "not an integer in 0..255"},
        {{23, "uint8", "-1", {}}, "not an integer in 0..255"},
        {{23, "int8", "128", {}}, "-128..127"},
        {{23, "uint16", "12x", {}}, "not an integer"},
        {{23, "uint32", "", {}}, "not an integer"},
        {{28, "addresses", "10.0.0", {}}, "\"10.0.0\" is not an IPv4 address"},
        {{28, "addresses", "10.0.0.1,", {}}, "is not an IPv4 address"},
        {{224, "base64", "AQI", {}}, "bad length"},
        {{224, "base64", "A*==", {}}, "not valid base64"},
        {{23, "float", "1.0", {}}, "unknown type \"float\""},
    };
    for (const auto& [c, want] : bad) {
        auto got = encodeTypedOption(c.code, c.type, c.value);
        ASSERT_FALSE(got) << c.type << " " << c.value;
        EXPECT_NE(got.message().find(want), std::string::npos) << got.message();
        EXPECT_EQ(got.message().rfind("option " + std::to_string(c.code) + ": ", 0), 0u);
    }
    EXPECT_FALSE(encodeTypedOption(66, "string", std::string(256, 'a')));
}

}  // namespace
}  // namespace vq::dhcp
