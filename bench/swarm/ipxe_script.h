#pragma once
// The part of iPXE's script language a provisioning server's scripts use: `chain`, `kernel`,
// `initrd`, `boot`, `set`, `echo`, with ${setting[:type]} expansion (hex, hexhyp, uristring)
// over the settings a booted iPXE knows (net0/mac, netX/mac, uuid, ip, hostname, domain,
// platform, buildarch). Anything else is an error, so a script the swarm cannot follow
// shows up as that machine's first error instead of a silent skip.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vq::swarm {

using IpxeSettings = std::map<std::string, std::string>;

struct IpxeBoot {
    std::string chain;  // set when the script chains to another script (resolved URL)
    std::string kernel;
    std::string kernel_args;
    std::vector<std::string> initrds;
    bool boot = false;
};

// Expands ${...}; unknown settings expand to nothing, as in iPXE.
std::string expandSettings(std::string_view text, const IpxeSettings& settings);

// Interprets `script` (fetched from `base_url`); `error` set on anything unsupported.
IpxeBoot interpretScript(std::string_view script,
                         const std::string& base_url,
                         IpxeSettings& settings,
                         std::string& error);

// Where the installed OS reads its config: the kernel argument naming it (Ignition,
// cloud-init, kickstart, or a plain `*.config=` URL), empty when none.
std::string configUrlFromArgs(std::string_view kernel_args);

// The checkpoint URL a rendered config calls, empty when none.
std::string checkpointUrlIn(std::string_view config);

}  // namespace vq::swarm
