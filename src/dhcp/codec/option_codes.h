#pragma once
// DHCP option and message codes used by the project (RFC 2132, 3004, 3046, 4578, iPXE).
#include <cstdint>

namespace vq::dhcp {

namespace opt {
inline constexpr uint8_t kPad = 0;
inline constexpr uint8_t kSubnetMask = 1;
inline constexpr uint8_t kRouter = 3;
inline constexpr uint8_t kDns = 6;
inline constexpr uint8_t kHostname = 12;
inline constexpr uint8_t kDomainName = 15;
inline constexpr uint8_t kNtp = 42;
inline constexpr uint8_t kVendorSpecific = 43;
inline constexpr uint8_t kRequestedIp = 50;
inline constexpr uint8_t kLeaseTime = 51;
inline constexpr uint8_t kOverload = 52;
inline constexpr uint8_t kMessageType = 53;
inline constexpr uint8_t kServerId = 54;
inline constexpr uint8_t kParameterList = 55;
inline constexpr uint8_t kMessage = 56;
inline constexpr uint8_t kMaxMessageSize = 57;
inline constexpr uint8_t kRenewalTime = 58;
inline constexpr uint8_t kRebindingTime = 59;
inline constexpr uint8_t kVendorClass = 60;
inline constexpr uint8_t kClientId = 61;
inline constexpr uint8_t kTftpServerName = 66;
inline constexpr uint8_t kBootfileName = 67;
inline constexpr uint8_t kUserClass = 77;
inline constexpr uint8_t kRelayAgent = 82;
inline constexpr uint8_t kClientArch = 93;
inline constexpr uint8_t kClientNdi = 94;
inline constexpr uint8_t kClientGuid = 97;
inline constexpr uint8_t kIpxeEncap = 175;
inline constexpr uint8_t kEnd = 255;
}  // namespace opt

// Sub-options of iPXE's option 175.
namespace ipxe_opt {
inline constexpr uint8_t kNoPxeDhcp = 176;  // 1 = do not wait for ProxyDHCP offers
}

// Sub-options of option 43 for PXE clients (PXE 2.1 spec).
namespace pxe_opt {
inline constexpr uint8_t kDiscoveryControl = 6;
inline constexpr uint8_t kDiscoveryBootFileOnly = 0x08;  // boot file in this packet, no discovery
}  // namespace pxe_opt

enum class MessageType : uint8_t {
    Discover = 1,
    Offer = 2,
    Request = 3,
    Decline = 4,
    Ack = 5,
    Nak = 6,
    Release = 7,
    Inform = 8,
};

const char* messageTypeName(MessageType type);

inline constexpr uint8_t kBootRequest = 1;
inline constexpr uint8_t kBootReply = 2;
inline constexpr uint16_t kServerPort = 67;
inline constexpr uint16_t kClientPort = 68;
inline constexpr uint16_t kPxePort = 4011;
inline constexpr uint16_t kBroadcastFlag = 0x8000;

}  // namespace vq::dhcp
