#include "dhcp/codec/client_info.h"

#include "base/bytes.h"

namespace vq::dhcp {

const char* archName(uint16_t a) {
    switch (a) {
        case arch::kBios:
            return "x86 BIOS";
        case arch::kNecPc98:
            return "NEC PC98";
        case arch::kItanium:
            return "Itanium";
        case 3:
            return "DEC Alpha";
        case 4:
            return "Arc x86";
        case 5:
            return "Intel Lean Client";
        case arch::kIa32Efi:
            return "x86 UEFI";
        case arch::kX64EfiBc:
            return "x64 UEFI (EFI BC)";
        case arch::kXscaleEfi:
            return "Xscale UEFI";
        case arch::kX64Efi:
            return "x64 UEFI";
        case arch::kArm32Efi:
            return "ARM32 UEFI";
        case arch::kArm64Efi:
            return "ARM64 UEFI";
        case 12:
            return "PowerPC Open Firmware";
        case 13:
            return "PowerPC ePAPR";
        case 14:
            return "POWER OPAL v3";
        case 15:
            return "x86 UEFI HTTP";
        case arch::kX64EfiHttp:
            return "x64 UEFI HTTP";
        case 17:
            return "EBC UEFI HTTP";
        case arch::kArm32EfiHttp:
            return "ARM32 UEFI HTTP";
        case arch::kArm64EfiHttp:
            return "ARM64 UEFI HTTP";
        case arch::kX86BiosHttp:
            return "x86 BIOS HTTP";
        case 21:
            return "ARM32 uboot";
        case 22:
            return "ARM64 uboot";
        case 23:
            return "ARM uboot HTTP";
        case 24:
            return "ARM64 uboot HTTP";
        case 25:
            return "RISC-V 32 UEFI";
        case 26:
            return "RISC-V 32 UEFI HTTP";
        case 27:
            return "RISC-V 64 UEFI";
        case 28:
            return "RISC-V 64 UEFI HTTP";
        case 29:
            return "RISC-V 128 UEFI";
        case 30:
            return "RISC-V 128 UEFI HTTP";
        case 31:
            return "s390 Basic";
        case 32:
            return "s390 Extended";
        case 33:
            return "MIPS 32 UEFI";
        case 34:
            return "MIPS 64 UEFI";
        case 35:
            return "Sunway 32 UEFI";
        case 36:
            return "Sunway 64 UEFI";
        case 37:
            return "LoongArch 32 UEFI";
        case 38:
            return "LoongArch 32 UEFI HTTP";
        case 39:
            return "LoongArch 64 UEFI";
        case 40:
            return "LoongArch 64 UEFI HTTP";
        case 41:
            return "ARM rpiboot";
        default:
            return "unknown";
    }
}

std::vector<std::string> decodeUserClasses(std::span<const uint8_t> data) {
    std::vector<std::string> items;
    ByteReader r(data);
    bool rfc3004 = !data.empty();
    while (rfc3004 && !r.atEnd()) {
        uint8_t len = r.u8();
        auto item = r.bytes(len);
        if (!r.ok() || len == 0) {
            rfc3004 = false;
            break;
        }
        items.emplace_back(item.begin(), item.end());
    }
    if (rfc3004)
        return items;
    std::string plain(data.begin(), data.end());
    while (!plain.empty() && plain.back() == '\0')
        plain.pop_back();
    if (plain.empty())
        return {};
    return {plain};
}

Result<std::vector<RawOption>> decodeSubOptions(std::span<const uint8_t> data) {
    std::vector<RawOption> subs;
    ByteReader r(data);
    while (!r.atEnd()) {
        uint8_t code = r.u8();
        if (code == opt::kPad)
            continue;
        if (code == opt::kEnd)
            break;
        uint8_t len = r.u8();
        auto value = r.bytes(len);
        if (!r.ok()) {
            return Result<std::vector<RawOption>>::error("sub-option " + std::to_string(code) +
                                                         " truncated");
        }
        subs.push_back(RawOption{code, {value.begin(), value.end()}});
    }
    return subs;
}

std::vector<uint8_t> encodeSubOptions(const std::vector<RawOption>& subs) {
    ByteWriter w;
    for (const auto& s : subs) {
        size_t n = std::min<size_t>(s.data.size(), 255);
        w.u8(s.code);
        w.u8(static_cast<uint8_t>(n));
        w.bytes(std::span<const uint8_t>(s.data).first(n));
    }
    return w.take();
}

ClientInfo inspectClient(const Packet& p) {
    ClientInfo c;
    if (const RawOption* a = p.options.find(opt::kClientArch); a && a->data.size() >= 2) {
        c.arch = static_cast<uint16_t>((a->data[0] << 8) | a->data[1]);
    }
    c.vendor_class = p.options.str(opt::kVendorClass).value_or("");
    c.pxe_client = c.vendor_class.starts_with("PXEClient");
    c.http_client = c.vendor_class.starts_with("HTTPClient");
    if (const RawOption* uc = p.options.find(opt::kUserClass)) {
        c.user_classes = decodeUserClasses(uc->data);
    }
    c.ipxe = p.options.has(opt::kIpxeEncap);
    for (const auto& u : c.user_classes) {
        if (u == "iPXE")
            c.ipxe = true;
    }
    if (const RawOption* g = p.options.find(opt::kClientGuid))
        c.guid = g->data;
    return c;
}

}  // namespace vq::dhcp
