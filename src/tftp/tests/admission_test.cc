#include "tftp/core/admission.h"

#include <map>

#include <gtest/gtest.h>

namespace vq::tftp {
namespace {

class MapSource : public FileSource {
public:
    std::map<std::string, std::string> files;
    FileLookup open(std::string_view name) override {
        if (name.find("..") != std::string_view::npos) {
            return FileLookup::failed(ErrorCode::AccessViolation, "escape");
        }
        auto it = files.find(std::string(name));
        if (it == files.end())
            return FileLookup::failed(ErrorCode::FileNotFound, "missing");
        return FileLookup::found(std::make_shared<BufferFileData>(
            std::vector<uint8_t>(it->second.begin(), it->second.end())));
    }
};

uint16_t errorCodeOf(const std::vector<uint8_t>& wire) {
    auto p = decode(wire);
    EXPECT_TRUE(p.isOk());
    return static_cast<uint16_t>(std::get<Error>(*p).code);
}

TEST(TftpAdmission, AcceptsAndNegotiates) {
    MapSource src;
    src.files["ipxe.efi"] = std::string(5000, 'x');
    Request r{
        false, "ipxe.efi", Mode::Octet, {{"tsize", "0"}, {"blksize", "1468"}, {"windowsize", "4"}}};
    auto a = admit(encodeRequest(r), src, SessionLimits{});
    ASSERT_TRUE(a.accepted()) << a.reason;
    EXPECT_EQ(a.session->negotiated().block_size, 1468);
    EXPECT_EQ(a.session->negotiated().window_size, 4);
    ASSERT_EQ(a.session->negotiated().oack.size(), 3u);
    EXPECT_EQ(a.session->negotiated().oack[0].value, "5000");
}

TEST(TftpAdmission, RefusesWithTheRightErrors) {
    MapSource src;
    src.files["a"] = "x";
    struct Case {
        std::vector<uint8_t> wire;
        uint16_t code;
    };
    std::vector<Case> cases = {
        {encodeRequest({true, "a", Mode::Octet, {}}), 2},
        {encodeRequest({false, "missing", Mode::Octet, {}}), 1},
        {encodeRequest({false, "../etc/passwd", Mode::Octet, {}}), 2},
        {encodeRequest({false, "a", Mode::Mail, {}}), 4},
        {std::vector<uint8_t>{0, 1, 'a'}, 4},
    };
    for (auto& c : cases) {
        auto a = admit(c.wire, src, SessionLimits{});
        EXPECT_FALSE(a.accepted());
        ASSERT_TRUE(a.reply.has_value());
        EXPECT_EQ(errorCodeOf(*a.reply), c.code);
    }
}

TEST(TftpAdmission, NeverAnswersNonRequests) {
    MapSource src;
    for (const auto& wire : {encodeError(ErrorCode::NotDefined, "x"), encodeAck(1),
                             encodeData(1, {}), encodeOAck({})}) {
        auto a = admit(wire, src, SessionLimits{});
        EXPECT_FALSE(a.accepted());
        EXPECT_FALSE(a.reply.has_value());
    }
}

TEST(TftpAdmission, NetasciiConvertsAndSizesConverted) {
    MapSource src;
    src.files["t.txt"] = "a\nb\rc";
    auto a = admit(encodeRequest({false, "t.txt", Mode::Netascii, {{"tsize", "0"}}}), src,
                   SessionLimits{});
    ASSERT_TRUE(a.accepted());
    EXPECT_EQ(a.session->fileSize(), 7u);
    EXPECT_EQ(a.session->negotiated().oack[0].value, "7");
    std::vector<Datagram> out;
    a.session->start(TimePoint{}, out);
    out.clear();
    auto ack0 = encodeAck(0);
    a.session->onPacket(ack0, TimePoint{}, out);
    ASSERT_EQ(out.size(), 1u);
    std::string got(out[0].payload.begin(), out[0].payload.end());
    EXPECT_EQ(got, std::string("a\r\nb\r\0c", 7));
}

}  // namespace
}  // namespace vq::tftp
