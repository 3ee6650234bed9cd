#pragma once
// What a request says about the firmware that sent it: PXE architecture (option 93,
// RFC 4578), vendor class (60), user classes (77, RFC 3004 or iPXE's plain string),
// iPXE's encapsulated options (175), the client GUID (97). Pure functions of a Packet.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "dhcp/codec/packet.h"

namespace vq::dhcp {

// IANA "Processor Architecture Types" (option 93) values the project names.
namespace arch {
inline constexpr uint16_t kBios = 0;
inline constexpr uint16_t kNecPc98 = 1;
inline constexpr uint16_t kItanium = 2;
inline constexpr uint16_t kIa32Efi = 6;
inline constexpr uint16_t kX64EfiBc = 7;  // "EFI BC": what most x86-64 UEFI firmware sends
inline constexpr uint16_t kXscaleEfi = 8;
inline constexpr uint16_t kX64Efi = 9;
inline constexpr uint16_t kArm32Efi = 10;
inline constexpr uint16_t kArm64Efi = 11;
inline constexpr uint16_t kX64EfiHttp = 16;
inline constexpr uint16_t kArm32EfiHttp = 18;
inline constexpr uint16_t kArm64EfiHttp = 19;
inline constexpr uint16_t kX86BiosHttp = 20;
}  // namespace arch

// Human name of an option 93 value ("x86 BIOS", "x64 UEFI", ...), "unknown" otherwise.
const char* archName(uint16_t arch);

struct ClientInfo {
    std::optional<uint16_t> arch;  // first entry of option 93
    std::string vendor_class;      // option 60
    std::vector<std::string> user_classes;
    bool ipxe = false;         // option 175 present or user class "iPXE"
    bool pxe_client = false;   // vendor class starts with "PXEClient"
    bool http_client = false;  // vendor class starts with "HTTPClient" (UEFI HTTP boot)
    std::optional<std::vector<uint8_t>> guid;  // option 97 as sent
};

ClientInfo inspectClient(const Packet& packet);

// Option 77: RFC 3004 (length-prefixed items) when the data parses exactly that way,
// otherwise one plain string (iPXE's long-standing encoding).
std::vector<std::string> decodeUserClasses(std::span<const uint8_t> data);

// Encapsulated sub-options (43, 175, 82): code/len/value, Pad and End honoured.
Result<std::vector<RawOption>> decodeSubOptions(std::span<const uint8_t> data);
std::vector<uint8_t> encodeSubOptions(const std::vector<RawOption>& subs);

}  // namespace vq::dhcp
