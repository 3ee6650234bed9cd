// Fuzzes what the Gitter reads from a webhook body before any check (JSON and form
// payloads, the signature headers) and the other text a git source parses: known_hosts
// files and ssh URLs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "git/hub_signature.h"
#include "git/known_hosts.h"
#include "git/push_event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto e = vq::git::parsePushEvent(input, "application/json"))
        (void)e->branch();
    if (auto e = vq::git::parsePushEvent(input, "application/x-www-form-urlencoded"))
        (void)e->branch();
    (void)vq::git::checkHubSignature("body", "secret", input, {});
    (void)vq::git::checkHubSignature("body", "secret", {}, input);
    (void)vq::git::checkKnownHost(input, "git.example.com", 22, "key");
    (void)vq::git::sshEndpoint(input);
    return 0;
}
