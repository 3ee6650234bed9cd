#include "dhcp/codec/typed_option.h"

#include <charconv>
#include <limits>
#include <string>

#include "base/bytes.h"
#include "base/ipv4.h"
#include "base/text.h"

namespace vq::dhcp {
namespace {

template <typename T>
Result<T> parseInt(std::string_view text, std::string_view type) {
    text = trimBlanks(text);
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
        v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        v > static_cast<int64_t>(std::numeric_limits<T>::max())) {
        return Result<T>::error(std::string(type) + " value \"" + std::string(text) +
                                "\" is not an integer in " +
                                std::to_string(std::numeric_limits<T>::min()) + ".." +
                                std::to_string(std::numeric_limits<T>::max()));
    }
    return static_cast<T>(v);
}

int base64Value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

Result<std::vector<uint8_t>> decodeBase64(std::string_view text) {
    std::vector<uint8_t> out;
    uint32_t acc = 0;
    int bits = 0;
    size_t padding = 0;
    size_t symbols = 0;
    for (char c : text) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            ++padding;
            ++symbols;
            continue;
        }
        int v = base64Value(c);
        if (v < 0 || padding > 0) {
            return Result<std::vector<uint8_t>>::error("base64 value is not valid base64");
        }
        ++symbols;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<uint8_t>(acc >> bits));
        }
    }
    if (symbols % 4 != 0 || padding > 2) {
        return Result<std::vector<uint8_t>>::error("base64 value has a bad length or padding");
    }
    return out;
}

}  // namespace

Result<RawOption> encodeTypedOption(int64_t code, std::string_view type, std::string_view value) {
    const std::string prefix = "option " + std::to_string(code) + ": ";
    auto fail = [&prefix](const std::string& msg) {
        return Result<RawOption>::error(prefix + msg);
    };
    if (code < 1 || code > 254)
        return fail("code must be in 1..254");
    if (code == opt::kOverload || code == opt::kMessageType) {
        return fail("is managed by the DHCP server and cannot be set");
    }
    ByteWriter w;
    if (type == "string") {
        w.str(value);
    } else if (type == "uint8" || type == "uint16" || type == "uint32" || type == "int8" ||
               type == "int16" || type == "int32") {
        Status st;
        if (type == "uint8") {
            auto v = parseInt<uint8_t>(value, type);
            if (v)
                w.u8(*v);
            st = v.status();
        } else if (type == "uint16") {
            auto v = parseInt<uint16_t>(value, type);
            if (v)
                w.u16(*v);
            st = v.status();
        } else if (type == "uint32") {
            auto v = parseInt<uint32_t>(value, type);
            if (v)
                w.u32(*v);
            st = v.status();
        } else if (type == "int8") {
            auto v = parseInt<int8_t>(value, type);
            if (v)
                w.u8(static_cast<uint8_t>(*v));
            st = v.status();
        } else if (type == "int16") {
            auto v = parseInt<int16_t>(value, type);
            if (v)
                w.u16(static_cast<uint16_t>(*v));
            st = v.status();
        } else {
            auto v = parseInt<int32_t>(value, type);
            if (v)
                w.u32(static_cast<uint32_t>(*v));
            st = v.status();
        }
        if (!st)
            return fail(st.message());
    } else if (type == "addresses") {
        std::string_view rest = value;
        while (true) {
            size_t comma = rest.find(',');
            std::string_view item = trimBlanks(rest.substr(0, comma));
            auto ip = Ipv4::parse(item);
            if (!ip)
                return fail("\"" + std::string(item) + "\" is not an IPv4 address");
            w.u32(ip->value());
            if (comma == std::string_view::npos)
                break;
            rest.remove_prefix(comma + 1);
        }
    } else if (type == "base64") {
        auto bytes = decodeBase64(value);
        if (!bytes)
            return fail(bytes.message());
        w.bytes(*bytes);
    } else {
        return fail("unknown type \"" + std::string(type) +
                    "\" (expected string, uint8, uint16, uint32, int8, int16, int32, addresses "
                    "or base64)");
    }
    if (w.size() > 255) {
        return fail("value is " + std::to_string(w.size()) + " bytes, at most 255 fit");
    }
    return RawOption{static_cast<uint8_t>(code), w.take()};
}

}  // namespace vq::dhcp
