// Fuzzes the tokens agents send: Authorization headers, login and session JWTs. Nothing may
// crash, and no input verifies without the secret (the fuzzer does not know it).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/agent_tokens.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string_view token = vq::auth::bearerToken(input);
    for (std::string_view t : {input, token}) {
        if (vq::auth::verifySessionToken(t, "a secret the corpus never used", 1'700'000'000) ||
            vq::auth::verifyLoginToken(t, "another unknown secret", 1'700'000'000))
            std::abort();
    }
    return 0;
}
