#include "dhcp/codec/overload.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace vq::dhcp::detail {
namespace {

enum class Area : uint8_t { None, Main, File, Sname };

// How much an option matters when a reply must shrink; lower is more important. Ranks 0-2
// are never dropped, ranks 0-1 stay in the options field.
struct Importance {
    uint8_t rank = 4;
    uint8_t order = 0;  // within rank 3
};

// The standard options the server builds itself, most important first. The renewal and
// rebinding times go first: a client derives them from the lease time (RFC 2131 4.4.5).
constexpr std::array<uint8_t, 7> kStandard = {opt::kDns,          opt::kHostname, opt::kDomainName,
                                              opt::kNtp,          opt::kMessage,  opt::kRenewalTime,
                                              opt::kRebindingTime};

Importance importance(uint8_t code) {
    switch (code) {
        case opt::kMessageType:
            return {0, 0};
        case opt::kServerId:
        case opt::kRelayAgent:  // relays look for it in the options field only
            return {1, 0};
        case opt::kLeaseTime:
        case opt::kSubnetMask:
        case opt::kRouter:
        case opt::kVendorClass:
        case opt::kVendorSpecific:
        case opt::kTftpServerName:
        case opt::kBootfileName:
        case opt::kClientGuid:
        case opt::kIpxeEncap:
            return {2, 0};
        default:
            break;
    }
    for (size_t i = 0; i < kStandard.size(); ++i) {
        if (kStandard[i] == code)
            return {3, static_cast<uint8_t>(i)};
    }
    return {4, 0};  // a subnet's extra options: first listed, first kept
}

uint8_t* writeOption(uint8_t* dst, const RawOption& o) {
    size_t off = 0;
    do {
        const size_t n = std::min<size_t>(o.data.size() - off, 255);
        *dst++ = o.code;
        *dst++ = static_cast<uint8_t>(n);
        if (n != 0)
            std::copy_n(o.data.data() + off, n, dst);
        dst += n;
        off += n;
    } while (off < o.data.size());
    return dst;
}

bool skipped(uint8_t code) {
    return code == opt::kPad || code == opt::kEnd || code == opt::kOverload;
}

}  // namespace

size_t optionWireSize(const RawOption& o) {
    const size_t pieces = o.data.empty() ? 1 : (o.data.size() + 254) / 255;
    return o.data.size() + 2 * pieces;
}

EncodeResult encodeOverloaded(const Packet& p, std::vector<uint8_t>& out, size_t max_size) {
    EncodeResult result;
    const std::vector<RawOption>& all = p.options.all();
    const bool file_free = p.file.empty();
    const bool sname_free = p.sname.empty();
    // Room left in each area, each keeping one byte for its End option; the options field
    // also keeps three for option 52 when another area can take options.
    const size_t fixed = kFixedHeaderSize + 4 + 1 + ((file_free || sname_free) ? 3 : 0);
    if (max_size < fixed) {
        out.clear();
        result.ok = false;
        return result;
    }
    std::array<size_t, 4> left{0, max_size - fixed, file_free ? kFileSize - 1 : 0,
                               sname_free ? kSnameSize - 1 : 0};

    // Most important first; the wire keeps the packet's own order.
    std::vector<size_t> order(all.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&all](size_t a, size_t b) {
        const Importance x = importance(all[a].code), y = importance(all[b].code);
        return x.rank != y.rank ? x.rank < y.rank : x.order < y.order;
    });
    std::vector<Area> area(all.size(), Area::None);
    for (size_t i : order) {
        const RawOption& o = all[i];
        if (skipped(o.code))
            continue;
        const size_t size = optionWireSize(o);
        const Importance imp = importance(o.code);
        const size_t last = imp.rank <= 1 ? 1 : 3;  // pinned options: the options field only
        for (size_t a = 1; a <= last; ++a) {
            if (size <= left[a]) {
                left[a] -= size;
                area[i] = static_cast<Area>(a);
                break;
            }
        }
        if (area[i] != Area::None)
            continue;
        result.dropped.set(o.code);
        if (imp.rank <= 2) {
            out.clear();
            result.ok = false;
            return result;
        }
    }
    auto used = [&area](Area a) { return std::find(area.begin(), area.end(), a) != area.end(); };
    result.overload =
        static_cast<uint8_t>((used(Area::File) ? 1 : 0) | (used(Area::Sname) ? 2 : 0));

    writeFixedHeader(p, out);
    size_t main_size = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        if (area[i] == Area::Main)
            main_size += optionWireSize(all[i]);
    }
    out.resize(out.size() + main_size + (result.overload != 0 ? 3 : 0) + 1);
    uint8_t* dst = out.data() + kFixedHeaderSize + 4;
    for (size_t i = 0; i < all.size(); ++i) {
        if (all[i].code == opt::kMessageType && area[i] == Area::Main)
            dst = writeOption(dst, all[i]);  // first, as in every reply
    }
    if (result.overload != 0) {
        *dst++ = opt::kOverload;
        *dst++ = 1;
        *dst++ = result.overload;
    }
    // RFC 2131 4.1: each area in use begins at its first octet and ends with End; the
    // fixed header left the rest zero, which is Pad.
    uint8_t* file = out.data() + kFileOffset;
    uint8_t* sname = out.data() + kSnameOffset;
    for (size_t i = 0; i < all.size(); ++i) {
        if (all[i].code == opt::kMessageType)
            continue;
        switch (area[i]) {
            case Area::Main:
                dst = writeOption(dst, all[i]);
                break;
            case Area::File:
                file = writeOption(file, all[i]);
                break;
            case Area::Sname:
                sname = writeOption(sname, all[i]);
                break;
            case Area::None:
                break;
        }
    }
    *dst = opt::kEnd;
    if (result.overload & 1)
        *file = opt::kEnd;
    if (result.overload & 2)
        *sname = opt::kEnd;
    const size_t padded = std::min(kBootpMinimum, max_size);
    if (out.size() < padded)
        out.resize(padded, 0);
    return result;
}

}  // namespace vq::dhcp::detail
