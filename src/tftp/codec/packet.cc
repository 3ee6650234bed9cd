#include "tftp/codec/packet.h"

#include <algorithm>

#include "base/bytes.h"
#include "base/text.h"

namespace vq::tftp {
namespace {

// Splits the NUL-terminated strings of an RRQ/WRQ/OACK body. A final string without its NUL
// is returned as well, flagged, because some clients omit the last terminator.
struct Strings {
    std::vector<std::string_view> items;
    bool last_unterminated = false;
};

Strings splitStrings(std::span<const uint8_t> body, size_t max_items) {
    Strings out;
    const char* p = reinterpret_cast<const char*>(body.data());
    size_t n = body.size();
    size_t start = 0;
    for (size_t i = 0; i < n && out.items.size() < max_items; ++i) {
        if (p[i] == '\0') {
            out.items.emplace_back(p + start, i - start);
            start = i + 1;
        }
    }
    if (start < n && out.items.size() < max_items) {
        out.items.emplace_back(p + start, n - start);
        out.last_unterminated = true;
    }
    return out;
}

std::vector<Option> parseOptions(const std::vector<std::string_view>& items, size_t first) {
    std::vector<Option> options;
    // Pairs only; a dangling name (or the padding some clients append) is ignored.
    for (size_t i = first; i + 1 < items.size(); i += 2) {
        if (items[i].empty())
            break;
        std::string name = toLowerAscii(items[i]);
        bool dup = std::any_of(options.begin(), options.end(),
                               [&](const Option& o) { return o.name == name; });
        if (!dup)
            options.push_back(Option{std::move(name), std::string(items[i + 1])});
    }
    return options;
}

Result<Packet> decodeRequest(std::span<const uint8_t> body, bool write) {
    Strings s = splitStrings(body, 2 + 2 * kMaxOptions);
    if (s.items.size() < 2)
        return Result<Packet>::error("request without filename and mode");
    if (s.items.size() == 2 && s.last_unterminated) {
        return Result<Packet>::error("request mode not terminated");
    }
    Request r;
    r.write = write;
    if (s.items[0].empty())
        return Result<Packet>::error("empty filename");
    r.filename = std::string(s.items[0]);
    std::string mode = toLowerAscii(s.items[1]);
    if (mode == "octet") {
        r.mode = Mode::Octet;
    } else if (mode == "netascii") {
        r.mode = Mode::Netascii;
    } else if (mode == "mail") {
        r.mode = Mode::Mail;
    } else {
        return Result<Packet>::error("unknown transfer mode");
    }
    r.options = parseOptions(s.items, 2);
    return Packet{std::move(r)};
}

}  // namespace

Result<Packet> decode(std::span<const uint8_t> datagram) {
    ByteReader in(datagram);
    uint16_t op = in.u16();
    if (!in.ok())
        return Result<Packet>::error("datagram shorter than an opcode");
    std::span<const uint8_t> body = datagram.subspan(2);
    switch (static_cast<Opcode>(op)) {
        case Opcode::Rrq:
            return decodeRequest(body, false);
        case Opcode::Wrq:
            return decodeRequest(body, true);
        case Opcode::Data: {
            uint16_t block = in.u16();
            if (!in.ok())
                return Result<Packet>::error("DATA without block number");
            return Packet{Data{block, datagram.subspan(kDataHeaderSize)}};
        }
        case Opcode::Ack: {
            uint16_t block = in.u16();
            if (!in.ok())
                return Result<Packet>::error("ACK without block number");
            return Packet{Ack{block}};  // trailing bytes are tolerated, as most stacks do
        }
        case Opcode::Error: {
            uint16_t code = in.u16();
            if (!in.ok())
                return Result<Packet>::error("ERROR without code");
            Strings s = splitStrings(datagram.subspan(4), 1);
            Error e;
            e.code = static_cast<ErrorCode>(code);
            if (!s.items.empty())
                e.message = std::string(s.items[0]);
            return Packet{std::move(e)};
        }
        case Opcode::Oack: {
            Strings s = splitStrings(body, 2 * kMaxOptions);
            return Packet{OAck{parseOptions(s.items, 0)}};
        }
    }
    return Result<Packet>::error("unknown opcode");
}

std::vector<uint8_t> encodeRequest(const Request& request) {
    ByteWriter w(64);
    w.u16(static_cast<uint16_t>(request.write ? Opcode::Wrq : Opcode::Rrq));
    w.str(request.filename);
    w.u8(0);
    w.str(modeName(request.mode));
    w.u8(0);
    for (const auto& o : request.options) {
        w.str(o.name);
        w.u8(0);
        w.str(o.value);
        w.u8(0);
    }
    return w.take();
}

std::vector<uint8_t> encodeData(uint16_t block, std::span<const uint8_t> payload) {
    std::vector<uint8_t> out(kDataHeaderSize + payload.size());
    writeDataHeader(out.data(), block);
    std::copy(payload.begin(), payload.end(), out.begin() + kDataHeaderSize);
    return out;
}

std::vector<uint8_t> encodeAck(uint16_t block) {
    ByteWriter w(4);
    w.u16(static_cast<uint16_t>(Opcode::Ack));
    w.u16(block);
    return w.take();
}

std::vector<uint8_t> encodeError(ErrorCode code, std::string_view message) {
    ByteWriter w(5 + message.size());
    w.u16(static_cast<uint16_t>(Opcode::Error));
    w.u16(static_cast<uint16_t>(code));
    // An embedded NUL would truncate the message on the wire; cut it there ourselves.
    w.str(message.substr(0, message.find('\0')));
    w.u8(0);
    return w.take();
}

std::vector<uint8_t> encodeOAck(const std::vector<Option>& options) {
    ByteWriter w(64);
    w.u16(static_cast<uint16_t>(Opcode::Oack));
    for (const auto& o : options) {
        w.str(o.name);
        w.u8(0);
        w.str(o.value);
        w.u8(0);
    }
    return w.take();
}

std::string_view modeName(Mode mode) {
    switch (mode) {
        case Mode::Octet:
            return "octet";
        case Mode::Netascii:
            return "netascii";
        case Mode::Mail:
            return "mail";
    }
    return "octet";
}

std::string_view errorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::NotDefined:
            return "not-defined";
        case ErrorCode::FileNotFound:
            return "file-not-found";
        case ErrorCode::AccessViolation:
            return "access-violation";
        case ErrorCode::DiskFull:
            return "disk-full";
        case ErrorCode::IllegalOperation:
            return "illegal-operation";
        case ErrorCode::UnknownTransferId:
            return "unknown-transfer-id";
        case ErrorCode::FileExists:
            return "file-exists";
        case ErrorCode::NoSuchUser:
            return "no-such-user";
        case ErrorCode::OptionRefused:
            return "option-refused";
    }
    return "unknown";
}

}  // namespace vq::tftp
