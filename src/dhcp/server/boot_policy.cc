#include "dhcp/server/boot_policy.h"

#include <charconv>

namespace vq::dhcp {

BootTarget makeBootTarget(const BootSettings& settings, Ipv4 agent_address) {
    BootTarget t;
    t.next_server = agent_address;
    t.http_base = "http://" + agent_address.toString() + ":" + std::to_string(settings.http_port);
    t.script_url = t.http_base + settings.script_path;
    t.files = settings.files;
    return t;
}

std::optional<uint16_t> effectiveArch(const ClientInfo& client) {
    if (client.arch)
        return client.arch;
    // PXE 2.1 vendor class: "PXEClient:Arch:00000:UNDI:002001".
    static constexpr std::string_view kMarker = ":Arch:";
    auto pos = client.vendor_class.find(kMarker);
    if (pos == std::string::npos)
        return std::nullopt;
    std::string_view digits(client.vendor_class);
    digits = digits.substr(pos + kMarker.size(), 5);
    unsigned v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.size() != 5 ||
        v > 0xffff) {
        return std::nullopt;
    }
    return static_cast<uint16_t>(v);
}

BootDecision chooseBoot(const ClientInfo& client, const BootTarget& target) {
    BootDecision d;
    d.arch = effectiveArch(client);
    if (client.ipxe) {
        d.kind = BootDecision::Kind::IpxeScript;
        d.file = target.script_url;
        d.reason = "ipxe";
        return d;
    }
    if (!d.arch) {
        d.reason = client.pxe_client || client.http_client ? "no-arch" : "not-pxe";
        return d;
    }
    auto tftp = [&d](const std::string& file, const char* reason) {
        d.kind = BootDecision::Kind::Tftp;
        d.file = file;
        d.reason = reason;
    };
    auto http = [&d, &target](const std::string& file, const char* reason) {
        d.kind = BootDecision::Kind::Http;
        d.file = target.http_base + "/" + file;
        d.reason = reason;
    };
    const BootFiles& f = target.files;
    switch (*d.arch) {
        case arch::kBios:
            tftp(f.bios, "bios");
            break;
        case arch::kIa32Efi:
            tftp(f.ia32_efi, "ia32-uefi");
            break;
        case arch::kX64EfiBc:
        case arch::kX64Efi:
            tftp(f.x64_efi, "x64-uefi");
            break;
        case arch::kArm32Efi:
            tftp(f.arm32_efi, "arm32-uefi");
            break;
        case arch::kArm64Efi:
            tftp(f.arm64_efi, "arm64-uefi");
            break;
        case 15:
            http(f.ia32_efi, "ia32-uefi-http");
            break;
        case arch::kX64EfiHttp:
            http(f.x64_efi, "x64-uefi-http");
            break;
        case arch::kArm32EfiHttp:
            http(f.arm32_efi, "arm32-uefi-http");
            break;
        case arch::kArm64EfiHttp:
            http(f.arm64_efi, "arm64-uefi-http");
            break;
        default:
            // Itanium, PC98, PowerPC, RISC-V, uboot...: no iPXE binary we ship fits.
            d.unknown_arch = true;
            d.reason = "unknown-arch";
            return d;
    }
    // A UEFI HTTP boot client may report a PXE arch number; it still needs a URL.
    if (client.http_client && d.kind == BootDecision::Kind::Tftp) {
        d.kind = BootDecision::Kind::Http;
        d.file = target.http_base + "/" + d.file;
    }
    return d;
}

}  // namespace vq::dhcp
