// Fuzzes what reaches the server from the network before any handler: query strings,
// percent-decoding, /files path sanitizing and Range headers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/query.h"
#include "http/range.h"
#include "http/static_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto q = vq::http::Query::parse(input)) {
        for (const auto& [k, v] : q->items())
            (void)q->get(k);
    }
    if (auto p = vq::http::sanitizeRelativePath(input)) {
        const std::string_view s = *p;
        const bool traversal = s == ".." || s.substr(0, 3) == "../" ||
                               s.find("/../") != std::string_view::npos ||
                               (s.size() >= 3 && s.substr(s.size() - 3) == "/..");
        if (traversal || s.front() == '/')
            __builtin_trap();
    }
    (void)vq::http::parseRange(input, 1000);
    (void)vq::http::percentEncode(input);
    return 0;
}
