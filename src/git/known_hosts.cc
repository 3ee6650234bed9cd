#include "git/known_hosts.h"

#include <cstdlib>
#include <filesystem>

#include <fnmatch.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/base64.h"

namespace vq::git {
namespace {

// Standard base64 without line breaks; empty on malformed input.
std::string base64Decode(std::string_view in) {
    if (in.size() > 64 * 1024)
        return {};
    return vq::base64Decode(in).value_or(std::string());
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(sep, start);
        if (end == std::string_view::npos)
            end = s.size();
        out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t')
            ++j;
        if (j > i)
            out.push_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

// |1|<base64 salt>|<base64 HMAC-SHA1(salt, name)>
bool hashedMatch(std::string_view pattern, const std::string& name) {
    const auto parts = split(pattern, '|');
    if (parts.size() != 4 || !parts[0].empty() || parts[1] != "1")
        return false;
    const std::string salt = base64Decode(parts[2]);
    const std::string hash = base64Decode(parts[3]);
    if (salt.empty() || hash.size() != 20)
        return false;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()),
             reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest,
             &len) == nullptr)
        return false;
    return len == hash.size() && std::string_view(reinterpret_cast<char*>(digest), len) == hash;
}

// OpenSSH's host patterns: '*' any run, '?' one character, nothing else special (a
// "[host]:port" name is literal).
bool globMatch(std::string_view pattern, std::string_view name) {
    size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
    while (n < name.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
            ++p;
            ++n;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

// Whether the host-pattern field names `name`: some pattern matches and no negated one.
bool hostsMatch(std::string_view patterns, const std::string& name) {
    if (patterns.size() > 1 && patterns[0] == '|')
        return hashedMatch(patterns, name);
    bool matched = false;
    for (auto p : split(patterns, ',')) {
        const bool negated = !p.empty() && p[0] == '!';
        if (negated)
            p.remove_prefix(1);
        if (!p.empty() && globMatch(p, name)) {
            if (negated)
                return false;
            matched = true;
        }
    }
    return matched;
}

}  // namespace

HostKeyCheck checkKnownHost(std::string_view known_hosts,
                            std::string_view host,
                            int port,
                            std::string_view key) {
    const std::string name =
        port == 22 ? std::string(host) : "[" + std::string(host) + "]:" + std::to_string(port);
    bool named = false, same_key = false, revoked = false;
    for (auto line : split(known_hosts, '\n')) {
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        auto f = fields(line);
        if (f.empty() || f[0][0] == '#')
            continue;
        bool revocation = false;
        if (f[0][0] == '@') {
            if (f[0] != "@revoked")
                continue;  // @cert-authority: certificates are not used here
            revocation = true;
            f.erase(f.begin());
        }
        if (f.size() < 3 || !hostsMatch(f[0], name))
            continue;
        const bool same = base64Decode(f[2]) == key;
        if (revocation) {
            revoked = revoked || same;
            continue;
        }
        named = true;
        same_key = same_key || same;
    }
    // A revocation wins over any line that trusts the key.
    if (revoked)
        return HostKeyCheck::mismatch;
    if (same_key)
        return HostKeyCheck::known;
    return named ? HostKeyCheck::mismatch : HostKeyCheck::unknown;
}

std::vector<std::string> defaultKnownHostsFiles() {
    std::vector<std::string> out;
    std::error_code ec;
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        const std::string user = std::string(home) + "/.ssh/known_hosts";
        if (std::filesystem::exists(user, ec))
            out.push_back(user);
    }
    if (std::filesystem::exists("/etc/ssh/ssh_known_hosts", ec))
        out.emplace_back("/etc/ssh/ssh_known_hosts");
    return out;
}

SshEndpoint sshEndpoint(std::string_view url) {
    SshEndpoint ep;
    std::string_view rest = url;
    const bool scheme = rest.substr(0, 6) == "ssh://" || rest.substr(0, 10) == "git+ssh://" ||
                        rest.substr(0, 10) == "ssh+git://";
    if (scheme) {
        rest.remove_prefix(rest.find("://") + 3);
        rest = rest.substr(0, rest.find('/'));
    } else {
        rest = rest.substr(0, rest.find(':'));  // scp-like: the port is always 22
    }
    if (auto at = rest.rfind('@'); at != std::string_view::npos)
        rest.remove_prefix(at + 1);
    if (scheme && !rest.empty() && rest[0] == '[') {
        const auto close = rest.find(']');
        ep.host = std::string(
            rest.substr(1, close == std::string_view::npos ? rest.size() - 1 : close - 1));
        if (close != std::string_view::npos && close + 1 < rest.size() && rest[close + 1] == ':')
            ep.port = std::atoi(std::string(rest.substr(close + 2)).c_str());
        return ep;
    }
    const auto colon = scheme ? rest.rfind(':') : std::string_view::npos;
    ep.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
        const int port = std::atoi(std::string(rest.substr(colon + 1)).c_str());
        ep.port = port > 0 && port < 65536 ? port : 22;
    }
    return ep;
}

}  // namespace vq::git
