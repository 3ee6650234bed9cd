#pragma once
// What a power action needs to know about one host: filled by the caller from the SoT's
// `bmc:` block (model::Bmc) and the interface that carries it, so this module stays
// independent of the model.

#include <string>

#include "base/result.h"

namespace vq::power {

inline constexpr int kIpmiDefaultPort = 623;
inline constexpr int kSshDefaultPort = 22;
inline constexpr int kDefaultCipherSuite = 3;

struct Target {
    std::string host;     // SoT host name, for messages
    std::string driver;   // ipmi | ssh | custom
    std::string address;  // BMC address (ipmi) or the host's own address (ssh)
    int port = 0;         // 0 = the driver's default (623 for ipmi, 22 for ssh)
    std::string username;
    std::string password;  // never printed
    std::string keypath;   // ssh private key on this machine
    bool soft_reboot = false;
    int soft_timeout = 0;  // seconds; 0 = never force a hard cycle
    int cipher_suite = kDefaultCipherSuite;
    bool efi_boot = false;  // a one-time network boot asks for EFI (else legacy) firmware
};

// "host node1 (BMC 10.99.0.5:623)": the prefix of every message about this target.
std::string describe(const Target& t);

// The port actually used: t.port, or the driver's default.
int effectivePort(const Target& t);

// Replaces every occurrence of the target's password in text by "<redacted>". Messages are
// built without the password; this is the last guard for text that comes from libraries
// or peers (which could echo it back).
std::string redact(std::string text, const Target& t);

// The fields a driver needs are present and in range; the message names what is missing.
Status checkTarget(const Target& t);

}  // namespace vq::power
