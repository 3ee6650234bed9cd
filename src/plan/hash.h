#pragma once
// A stable 64-bit hash (FNV-1a) of bytes and of template values: the same input gives the
// same hash in every build and on every machine (std::hash promises neither), so
// fingerprints and artifact hashes can be compared across runs and stored.

#include <cstdint>
#include <string>
#include <string_view>

#include "tmpl/value.h"

namespace vq::plan {

class Fnv64 {
public:
    Fnv64& bytes(std::string_view s) {
        for (unsigned char c : s) {
            h_ ^= c;
            h_ *= kPrime;
        }
        return *this;
    }
    // Length first, so that ("ab","c") and ("a","bc") hash differently.
    Fnv64& field(std::string_view s) {
        number(s.size());
        return bytes(s);
    }
    Fnv64& number(uint64_t v) {
        for (int i = 0; i < 8; ++i) {
            h_ ^= static_cast<unsigned char>(v >> (8 * i));
            h_ *= kPrime;
        }
        return *this;
    }
    // Every kind, key and element, in the map's (sorted) order.
    Fnv64& value(const tmpl::Value& v);

    uint64_t digest() const { return h_; }

private:
    static constexpr uint64_t kPrime = 0x100000001b3ULL;
    uint64_t h_ = 0xcbf29ce484222325ULL;
};

inline uint64_t fnv64(std::string_view s) {
    return Fnv64().bytes(s).digest();
}

// 16 lower-case hex digits.
std::string hashHex(uint64_t h);

}  // namespace vq::plan
