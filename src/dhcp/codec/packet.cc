#include "dhcp/codec/packet.h"

#include <algorithm>
#include <cstring>

#include "base/bytes.h"
#include "dhcp/codec/overload.h"

namespace vq::dhcp {

const char* messageTypeName(MessageType type) {
    switch (type) {
        case MessageType::Discover:
            return "DISCOVER";
        case MessageType::Offer:
            return "OFFER";
        case MessageType::Request:
            return "REQUEST";
        case MessageType::Decline:
            return "DECLINE";
        case MessageType::Ack:
            return "ACK";
        case MessageType::Nak:
            return "NAK";
        case MessageType::Release:
            return "RELEASE";
        case MessageType::Inform:
            return "INFORM";
    }
    return "UNKNOWN";
}

const RawOption* Options::find(uint8_t code) const {
    for (const auto& o : list_) {
        if (o.code == code)
            return &o;
    }
    return nullptr;
}

void Options::set(uint8_t code, std::vector<uint8_t> data) {
    for (auto& o : list_) {
        if (o.code == code) {
            o.data = std::move(data);
            return;
        }
    }
    list_.push_back(RawOption{code, std::move(data)});
}

void Options::append(uint8_t code, std::span<const uint8_t> data) {
    for (auto& o : list_) {
        if (o.code == code) {
            o.data.insert(o.data.end(), data.begin(), data.end());
            return;
        }
    }
    list_.push_back(RawOption{code, std::vector<uint8_t>(data.begin(), data.end())});
}

void Options::remove(uint8_t code) {
    std::erase_if(list_, [code](const RawOption& o) { return o.code == code; });
}

std::optional<uint8_t> Options::u8(uint8_t code) const {
    const RawOption* o = find(code);
    if (o == nullptr || o->data.size() != 1)
        return std::nullopt;
    return o->data[0];
}

std::optional<uint16_t> Options::u16(uint8_t code) const {
    const RawOption* o = find(code);
    if (o == nullptr || o->data.size() != 2)
        return std::nullopt;
    return static_cast<uint16_t>((o->data[0] << 8) | o->data[1]);
}

std::optional<uint32_t> Options::u32(uint8_t code) const {
    const RawOption* o = find(code);
    if (o == nullptr || o->data.size() != 4)
        return std::nullopt;
    ByteReader r(o->data);
    return r.u32();
}

std::optional<Ipv4> Options::ip(uint8_t code) const {
    auto v = u32(code);
    if (!v)
        return std::nullopt;
    return Ipv4(*v);
}

std::optional<std::string> Options::str(uint8_t code) const {
    const RawOption* o = find(code);
    if (o == nullptr)
        return std::nullopt;
    std::string s(o->data.begin(), o->data.end());
    // Some clients NUL-terminate strings; the terminator is not part of the value.
    while (!s.empty() && s.back() == '\0')
        s.pop_back();
    return s;
}

void Options::setU16(uint8_t code, uint16_t v) {
    set(code, {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
}

void Options::setU32(uint8_t code, uint32_t v) {
    set(code, {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
               static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
}

void Options::setIps(uint8_t code, std::span<const Ipv4> ips) {
    ByteWriter w(4 * ips.size());
    for (Ipv4 ip : ips)
        w.u32(ip.value());
    set(code, w.take());
}

void Options::setStr(uint8_t code, std::string_view s) {
    set(code, {s.begin(), s.end()});
}

MacAddr Packet::mac() const {
    std::array<uint8_t, 6> b{};
    std::copy_n(chaddr.begin(), 6, b.begin());
    return MacAddr(b);
}

void Packet::setMac(const MacAddr& mac) {
    chaddr.fill(0);
    std::copy(mac.bytes().begin(), mac.bytes().end(), chaddr.begin());
    htype = 1;
    hlen = 6;
}

std::optional<MessageType> Packet::messageType() const {
    auto v = options.u8(opt::kMessageType);
    if (!v || *v < 1 || *v > 8)
        return std::nullopt;
    return static_cast<MessageType>(*v);
}

namespace {

// Parses one option area. Pads are skipped, End stops; a truncated option is an error.
Status parseOptions(std::span<const uint8_t> area, Options& out, const char* where) {
    ByteReader r(area);
    while (!r.atEnd()) {
        uint8_t code = r.u8();
        if (code == opt::kPad)
            continue;
        if (code == opt::kEnd)
            return Status::ok();
        uint8_t len = r.u8();
        auto data = r.bytes(len);
        if (!r.ok()) {
            return Status::error("option " + std::to_string(code) + " truncated in " + where);
        }
        out.append(code, data);
    }
    return Status::ok();
}

std::string fieldString(std::span<const uint8_t> field) {
    auto end = std::find(field.begin(), field.end(), uint8_t{0});
    return std::string(field.begin(), end);
}

}  // namespace

Result<Packet> decode(std::span<const uint8_t> wire) {
    if (wire.size() < kFixedHeaderSize + 4) {
        return Result<Packet>::error("packet too short: " + std::to_string(wire.size()) + " bytes");
    }
    ByteReader r(wire);
    Packet p;
    p.options.reserve(16);  // what PXE ROMs and clients send, without regrowing
    p.op = r.u8();
    p.htype = r.u8();
    p.hlen = r.u8();
    p.hops = r.u8();
    p.xid = r.u32();
    p.secs = r.u16();
    p.flags = r.u16();
    p.ciaddr = Ipv4(r.u32());
    p.yiaddr = Ipv4(r.u32());
    p.siaddr = Ipv4(r.u32());
    p.giaddr = Ipv4(r.u32());
    auto ch = r.bytes(16);
    std::copy(ch.begin(), ch.end(), p.chaddr.begin());
    auto sname = r.bytes(64);
    auto file = r.bytes(128);
    uint32_t cookie = r.u32();
    if (!r.ok())
        return Result<Packet>::error("packet too short");
    if (p.op != kBootRequest && p.op != kBootReply) {
        return Result<Packet>::error("bad op " + std::to_string(p.op));
    }
    if (p.hlen > 16)
        return Result<Packet>::error("bad hlen " + std::to_string(p.hlen));
    if (cookie != kMagicCookie)
        return Result<Packet>::error("no DHCP magic cookie");

    if (Status st = parseOptions(wire.subspan(r.position()), p.options, "options"); !st) {
        return st;
    }
    uint8_t overload = p.options.u8(opt::kOverload).value_or(0);
    if (overload & 1) {
        if (Status st = parseOptions(file, p.options, "file"); !st)
            return st;
    } else {
        p.file = fieldString(file);
    }
    if (overload & 2) {
        if (Status st = parseOptions(sname, p.options, "sname"); !st)
            return st;
    } else {
        p.sname = fieldString(sname);
    }
    p.options.remove(opt::kOverload);
    return p;
}

std::vector<uint8_t> encode(const Packet& p) {
    std::vector<uint8_t> out;
    encodeTo(p, out);
    return out;
}

namespace detail {

void writeFixedHeader(const Packet& p, std::vector<uint8_t>& out) {
    out.clear();
    out.reserve(576);
    out.resize(kFixedHeaderSize + 4);
    uint8_t* h = out.data();
    auto put32 = [](uint8_t* at, uint32_t v) {
        at[0] = static_cast<uint8_t>(v >> 24);
        at[1] = static_cast<uint8_t>(v >> 16);
        at[2] = static_cast<uint8_t>(v >> 8);
        at[3] = static_cast<uint8_t>(v);
    };
    std::memset(h, 0, kFixedHeaderSize + 4);
    h[0] = p.op;
    h[1] = p.htype;
    h[2] = p.hlen;
    h[3] = p.hops;
    put32(h + 4, p.xid);
    h[8] = static_cast<uint8_t>(p.secs >> 8);
    h[9] = static_cast<uint8_t>(p.secs);
    h[10] = static_cast<uint8_t>(p.flags >> 8);
    h[11] = static_cast<uint8_t>(p.flags);
    put32(h + 12, p.ciaddr.value());
    put32(h + 16, p.yiaddr.value());
    put32(h + 20, p.siaddr.value());
    put32(h + 24, p.giaddr.value());
    std::memcpy(h + 28, p.chaddr.data(), p.chaddr.size());
    std::memcpy(h + kSnameOffset, p.sname.data(), std::min<size_t>(p.sname.size(), 63));
    std::memcpy(h + kFileOffset, p.file.data(), std::min<size_t>(p.file.size(), 127));
    put32(h + kFixedHeaderSize, kMagicCookie);
}

}  // namespace detail

namespace {

// Header, option 53, every other option in order, End; no padding.
void encodeUnpadded(const Packet& p, std::vector<uint8_t>& out) {
    detail::writeFixedHeader(p, out);
    auto put = [&out](const RawOption& o) {
        size_t off = 0;
        // Split long values into several options with the same code (RFC 3396); an
        // empty value is still one option.
        do {
            size_t n = std::min<size_t>(o.data.size() - off, 255);
            out.push_back(o.code);
            out.push_back(static_cast<uint8_t>(n));
            out.insert(out.end(), o.data.begin() + static_cast<ptrdiff_t>(off),
                       o.data.begin() + static_cast<ptrdiff_t>(off + n));
            off += n;
        } while (off < o.data.size());
    };
    if (const RawOption* mt = p.options.find(opt::kMessageType))
        put(*mt);
    for (const auto& o : p.options.all()) {
        // Option 52 is the encoder's own: it says where options are, not what they are.
        if (o.code == opt::kMessageType || o.code == opt::kPad || o.code == opt::kEnd ||
            o.code == opt::kOverload) {
            continue;
        }
        put(o);
    }
    out.push_back(opt::kEnd);
}

}  // namespace

void encodeTo(const Packet& p, std::vector<uint8_t>& out) {
    encodeUnpadded(p, out);
    if (out.size() < kBootpMinimum)
        out.resize(kBootpMinimum, 0);
}

EncodeResult encodeTo(const Packet& p, std::vector<uint8_t>& out, size_t max_size) {
    encodeUnpadded(p, out);
    if (out.size() > max_size)
        return detail::encodeOverloaded(p, out, max_size);
    const size_t padded = std::min(kBootpMinimum, max_size);
    if (out.size() < padded)
        out.resize(padded, 0);
    return EncodeResult{};
}

size_t maxReplySize(const Packet& query) {
    size_t datagram = kMinDatagram;
    if (auto v = query.options.u16(opt::kMaxMessageSize); v && *v > kMinDatagram)
        datagram = std::min<size_t>(*v, kMaxDatagram);
    return datagram - kIpUdpOverhead;
}

std::string EncodeResult::droppedList() const {
    std::string s;
    for (size_t code = 0; code < dropped.size(); ++code) {
        if (!dropped.test(code))
            continue;
        if (!s.empty())
            s += ',';
        s += std::to_string(code);
    }
    return s;
}

}  // namespace vq::dhcp
