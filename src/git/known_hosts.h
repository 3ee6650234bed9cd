#pragma once
// Verifies an ssh server's host key against OpenSSH known_hosts files, as `ssh` and the git
// command do. This libgit2 version accepts any host key unless told otherwise, so an ssh://
// SoT would otherwise trust whoever answers on the network path.

#include <string>
#include <string_view>
#include <vector>

namespace vq::git {

enum class HostKeyCheck {
    known,     // a line for this host holds this key
    unknown,   // no line names this host
    mismatch,  // lines name this host with other keys, or the key is @revoked
};

// `known_hosts` is the text of a known_hosts file; `host` and `port` as in the URL (port
// 22 is written "host", others "[host]:port"); `key` the server's public key in SSH wire
// format (what the base64 field of a line decodes to). Hashed host names (|1|salt|hash),
// comma-separated patterns with * and ?, negated !patterns and @revoked are understood;
// @cert-authority lines are skipped.
HostKeyCheck checkKnownHost(std::string_view known_hosts,
                            std::string_view host,
                            int port,
                            std::string_view key);

// The known_hosts files OpenSSH reads by default that exist: ~/.ssh/known_hosts, then
// /etc/ssh/ssh_known_hosts.
std::vector<std::string> defaultKnownHostsFiles();

// "ssh://git@host:2222/x.git" -> {"host", 2222}; scp-like "git@host:x.git" -> {"host", 22}.
struct SshEndpoint {
    std::string host;
    int port = 22;
};
SshEndpoint sshEndpoint(std::string_view url);

}  // namespace vq::git
