#pragma once
// The signature a git hosting puts on each webhook delivery (GitHub, Gitea, GitLab's
// compatible mode): X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed
// with the hook's secret>, or for older hooks X-Hub-Signature: sha1=<hex HMAC-SHA1>.

#include <string>
#include <string_view>

namespace vq::git {

enum class SignatureCheck {
    valid,
    missing,    // neither header is present
    malformed,  // a header without its "sha256=" / "sha1=" prefix or with bad hex
    mismatch,   // well-formed but computed with another secret or over another body
};

std::string_view toString(SignatureCheck check);

// Checks the delivery; SHA-256 is preferred whenever its header is present. The
// comparison takes the same time wherever the first differing byte is.
SignatureCheck checkHubSignature(std::string_view body,
                                 std::string_view secret,
                                 std::string_view signature_256,
                                 std::string_view signature_1);

// Lower-case hex HMAC of body with key: "sha256" or "sha1" (what a sender computes).
std::string hubSignatureHex(std::string_view algorithm,
                            std::string_view secret,
                            std::string_view body);

}  // namespace vq::git
