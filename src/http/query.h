#pragma once
// Query strings and percent-encoding as iPXE and curl send them. Decoding is strict: a
// malformed escape is an error, never guessed at, so a handler can answer 400.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vq::http {

// Decodes %XX escapes; with plus_is_space (query strings) '+' becomes ' '.
// Fails on a truncated or non-hex escape and on an encoded NUL.
std::optional<std::string> percentDecode(std::string_view text, bool plus_is_space = false);

// Encodes everything but RFC 3986 unreserved characters (for building URLs).
std::string percentEncode(std::string_view text);

// Ordered key/value pairs of a query string; repeated keys are kept in order.
class Query {
public:
    // "a=1&b=&c" -> {a:1, b:"", c:""}. Fails on a malformed escape.
    static std::optional<Query> parse(std::string_view raw);

    // First value of key, if present.
    std::optional<std::string_view> get(std::string_view key) const;
    std::string value(std::string_view key, std::string_view fallback = {}) const;
    bool has(std::string_view key) const { return get(key).has_value(); }
    std::vector<std::string_view> all(std::string_view key) const;
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace vq::http
