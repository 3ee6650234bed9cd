#include "tftp/codec/packet.h"

#include <string>

#include <gtest/gtest.h>

namespace vq::tftp {
namespace {

std::vector<uint8_t> bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

// A string literal with its embedded NULs, minus the implicit terminator.
template <size_t N>
std::string lit(const char (&s)[N]) {
    return std::string(s, N - 1);
}

TEST(TftpPacket, DecodesRrqWithOptions) {
    auto wire = bytes(lit("\0\1undionly.kpxe\0OcTeT\0BLKSIZE\0001468\0tsize\0000\0"));
    auto p = decode(wire);
    ASSERT_TRUE(p.isOk()) << p.message();
    auto& r = std::get<Request>(*p);
    EXPECT_FALSE(r.write);
    EXPECT_EQ(r.filename, "undionly.kpxe");
    EXPECT_EQ(r.mode, Mode::Octet);
    ASSERT_EQ(r.options.size(), 2u);
    EXPECT_EQ(r.options[0], (Option{"blksize", "1468"}));
    EXPECT_EQ(r.options[1], (Option{"tsize", "0"}));
}

TEST(TftpPacket, RoundTripsEveryPacket) {
    Request r{false, "a/b.efi", Mode::Netascii, {{"windowsize", "4"}}};
    auto p = decode(encodeRequest(r));
    ASSERT_TRUE(p.isOk());
    EXPECT_EQ(std::get<Request>(*p).filename, "a/b.efi");
    EXPECT_EQ(std::get<Request>(*p).mode, Mode::Netascii);
    EXPECT_EQ(std::get<Request>(*p).options, r.options);

    Request w{true, "x", Mode::Octet, {}};
    EXPECT_TRUE(std::get<Request>(*decode(encodeRequest(w))).write);

    std::vector<uint8_t> payload{1, 2, 3};
    auto data_wire = encodeData(65535, payload);
    auto d = decode(data_wire);
    ASSERT_TRUE(d.isOk());
    EXPECT_EQ(std::get<Data>(*d).block, 65535);
    EXPECT_EQ(
        std::vector<uint8_t>(std::get<Data>(*d).payload.begin(), std::get<Data>(*d).payload.end()),
        payload);

    EXPECT_EQ(std::get<Ack>(*decode(encodeAck(258))).block, 258);

    auto e = decode(encodeError(ErrorCode::FileNotFound, "nope"));
    EXPECT_EQ(std::get<Error>(*e).code, ErrorCode::FileNotFound);
    EXPECT_EQ(std::get<Error>(*e).message, "nope");

    std::vector<Option> opts{{"blksize", "1024"}, {"tsize", "99"}};
    EXPECT_EQ(std::get<OAck>(*decode(encodeOAck(opts))).options, opts);
}

TEST(TftpPacket, EmptyDataIsValid) {
    auto wire = encodeData(7, {});
    auto d = decode(wire);
    ASSERT_TRUE(d.isOk());
    EXPECT_TRUE(std::get<Data>(*d).payload.empty());
}

TEST(TftpPacket, RejectsMalformed) {
    struct Case {
        std::string wire;
        const char* why;
    };
    std::vector<Case> cases = {
        {std::string("", 0), "empty"},
        {std::string("\0", 1), "half opcode"},
        {std::string("\0\x09", 2), "unknown opcode"},
        {std::string("\0\1", 2), "rrq without strings"},
        {std::string("\0\1file", 6), "rrq filename unterminated"},
        {std::string("\0\1file\0", 7), "rrq no mode"},
        {std::string("\0\1file\0octet", 12), "mode unterminated"},
        {std::string("\0\1\0octet\0", 9), "empty filename"},
        {std::string("\0\1f\0binary\0", 11), "unknown mode"},
        {std::string("\0\3\0", 3), "data without block"},
        {std::string("\0\4\1", 3), "ack short"},
        {std::string("\0\5", 2), "error without code"},
    };
    for (const auto& c : cases) {
        auto p = decode(bytes(c.wire));
        EXPECT_FALSE(p.isOk()) << c.why;
    }
}

TEST(TftpPacket, ToleratesSloppyClients) {
    // Trailing padding and a dangling option name are ignored; duplicates keep the first.
    auto p = decode(bytes(lit("\0\1f\0octet\0blksize\0008\0BLKSIZE\0009\0tsize\0\0\0")));
    ASSERT_TRUE(p.isOk()) << p.message();
    auto& r = std::get<Request>(*p);
    ASSERT_EQ(r.options.size(), 2u);
    EXPECT_EQ(r.options[0].value, "8");
    EXPECT_EQ(r.options[1].name, "tsize");
    EXPECT_EQ(r.options[1].value, "");
    // An ERROR without its terminator still decodes.
    auto e = decode(bytes(std::string("\0\5\0\1oops", 8)));
    ASSERT_TRUE(e.isOk());
    EXPECT_EQ(std::get<Error>(*e).message, "oops");
}

TEST(TftpPacket, ErrorMessageCutAtNul) {
    auto w = encodeError(ErrorCode::NotDefined, std::string_view("ab\0cd", 5));
    EXPECT_EQ(w.size(), 4u + 3u);
}

TEST(TftpPacket, BoundsOptionCount) {
    std::string wire("\0\1f\0octet\0", 10);
    for (int i = 0; i < 200; ++i)
        wire += "o" + std::to_string(i) + std::string("\0v\0", 3);
    auto p = decode(bytes(wire));
    ASSERT_TRUE(p.isOk());
    EXPECT_LE(std::get<Request>(*p).options.size(), kMaxOptions);
}

}  // namespace
}  // namespace vq::tftp
