#include "power/target.h"

#include <fmt/format.h>

namespace vq::power {

std::string describe(const Target& t) {
    const char* what = t.driver == "ssh" ? "SSH" : "BMC";
    const std::string address = t.address.empty() ? "<no address>" : t.address;
    return fmt::format("host {} ({} {}:{})", t.host.empty() ? "<unnamed>" : t.host, what, address,
                       effectivePort(t));
}

int effectivePort(const Target& t) {
    if (t.port != 0)
        return t.port;
    return t.driver == "ssh" ? kSshDefaultPort : kIpmiDefaultPort;
}

std::string redact(std::string text, const Target& t) {
    // Even a very short password is masked everywhere: its secrecy outweighs a garbled text.
    if (t.password.empty())
        return text;
    static const std::string kMask = "<redacted>";
    size_t at = 0;
    while ((at = text.find(t.password, at)) != std::string::npos) {
        text.replace(at, t.password.size(), kMask);
        at += kMask.size();
    }
    return text;
}

Status checkTarget(const Target& t) {
    const std::string who = describe(t);
    if (t.driver != "ipmi" && t.driver != "ssh" && t.driver != "custom")
        return Status::error(fmt::format("{}: unknown power driver \"{}\"", who, t.driver));
    if (t.address.empty())
        return Status::error(fmt::format("{}: the interface carrying the BMC has no ipv4", who));
    if (t.port < 0 || t.port > 65535)
        return Status::error(fmt::format("{}: port {} is out of range", who, t.port));
    if (t.soft_timeout < 0)
        return Status::error(fmt::format("{}: soft_timeout must not be negative", who));
    if (t.driver == "ipmi") {
        if (t.username.empty())
            return Status::error(fmt::format("{}: the ipmi BMC has no username", who));
        // IPMI 2.0 limits user names to 16 bytes and passwords to 20.
        if (t.username.size() > 16)
            return Status::error(fmt::format("{}: the IPMI username is longer than 16 bytes", who));
        if (t.password.size() > 20)
            return Status::error(fmt::format("{}: the IPMI password is longer than 20 bytes", who));
        if (t.cipher_suite < 0 || t.cipher_suite > 17)
            return Status::error(
                fmt::format("{}: cipher suite {} is not an IPMI 2.0 suite", who, t.cipher_suite));
    }
    if (t.driver == "ssh" && t.username.empty())
        return Status::error(fmt::format("{}: the ssh BMC has no username", who));
    return Status::ok();
}

}  // namespace vq::power
