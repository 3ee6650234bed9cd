#include "git/known_hosts.h"

#include <gtest/gtest.h>

namespace vq::git {
namespace {

// Base64 of two made-up wire-format keys (the check compares bytes, it parses no key).
constexpr const char* kKeyA =
    "AAAAC3NzaC1lZDI1NTE5AAAAIKEYAKEYAKEYAKEYAKEYAKEYAKEYAKEYAKEYAKEYAKEY";
constexpr const char* kKeyB =
    "AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

std::string decoded(const char* b64);

TEST(KnownHosts, ExactNamesAndPorts) {
    const std::string text = std::string("# comment\n\ngit.example.com ssh-ed25519 ") + kKeyA +
                             "\n[git.example.com]:2222 ssh-ed25519 " + kKeyB + " comment\n";
    EXPECT_EQ(checkKnownHost(text, "git.example.com", 22, decoded(kKeyA)), HostKeyCheck::known);
    EXPECT_EQ(checkKnownHost(text, "git.example.com", 22, decoded(kKeyB)), HostKeyCheck::mismatch);
    EXPECT_EQ(checkKnownHost(text, "git.example.com", 2222, decoded(kKeyB)), HostKeyCheck::known);
    EXPECT_EQ(checkKnownHost(text, "other.example.com", 22, decoded(kKeyA)), HostKeyCheck::unknown);
}

TEST(KnownHosts, HashedNames) {
    // `ssh-keygen -H` of a "git.example.com" line (OpenSSH computed the hash).
    const std::string line =
        std::string("|1|O/rE3cGdRbntNWqmcG9jXJdFgXs=|9XHiqcdJOpJFVHPS0q9vDHKpiJA= ssh-ed25519 ") +
        kKeyA;
    EXPECT_EQ(checkKnownHost(line, "git.example.com", 22, decoded(kKeyA)), HostKeyCheck::known);
    EXPECT_EQ(checkKnownHost(line, "git.example.com", 22, decoded(kKeyB)), HostKeyCheck::mismatch);
    EXPECT_EQ(checkKnownHost(line, "git.example.org", 22, decoded(kKeyA)), HostKeyCheck::unknown);
}

TEST(KnownHosts, PatternsNegationAndRevocation) {
    const std::string text = std::string("*.example.com,!evil.example.com ssh-ed25519 ") + kKeyA +
                             "\n@revoked old.example.com ssh-ed25519 " + kKeyA +
                             "\n@cert-authority *.example.com ssh-ed25519 " + kKeyB + "\n";
    EXPECT_EQ(checkKnownHost(text, "git.example.com", 22, decoded(kKeyA)), HostKeyCheck::known);
    EXPECT_EQ(checkKnownHost(text, "evil.example.com", 22, decoded(kKeyA)), HostKeyCheck::unknown);
    EXPECT_EQ(checkKnownHost(text, "old.example.com", 22, decoded(kKeyA)), HostKeyCheck::mismatch);
    EXPECT_EQ(checkKnownHost(text, "git.example.com", 22, decoded(kKeyB)), HostKeyCheck::mismatch);
}

TEST(KnownHosts, GarbageNeverMatches) {
    for (const char* text : {"", "\n\n", "host", "host ssh-ed25519", "host ssh-ed25519 !!!!",
                             "|1|x|y ssh-ed25519 AAAA", "@revoked", "@revoked host"}) {
        EXPECT_NE(checkKnownHost(text, "host", 22, "key"), HostKeyCheck::known) << text;
    }
}

TEST(KnownHosts, SshEndpoints) {
    EXPECT_EQ(sshEndpoint("ssh://git@host.example:2222/x.git").host, "host.example");
    EXPECT_EQ(sshEndpoint("ssh://git@host.example:2222/x.git").port, 2222);
    EXPECT_EQ(sshEndpoint("ssh://host.example/x.git").port, 22);
    EXPECT_EQ(sshEndpoint("git@github.com:acme/sot.git").host, "github.com");
    EXPECT_EQ(sshEndpoint("git@github.com:acme/sot.git").port, 22);
    EXPECT_EQ(sshEndpoint("ssh://[::1]:2200/x").host, "::1");
    EXPECT_EQ(sshEndpoint("ssh://[::1]:2200/x").port, 2200);
}

std::string decoded(const char* b64) {
    // The same decoding the matcher applies, through a known line.
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int val = 0, bits = -8;
    for (const char* p = b64; *p != '\0' && *p != '='; ++p) {
        val = (val << 6) + static_cast<int>(alphabet.find(*p));
        bits += 6;
        if (bits >= 0) {
            out.push_back(static_cast<char>((val >> bits) & 0xff));
            bits -= 8;
        }
    }
    return out;
}

}  // namespace
}  // namespace vq::git
