#include "plan/hash.h"

#include <bit>

#include <fmt/format.h>

namespace vq::plan {

Fnv64& Fnv64::value(const tmpl::Value& v) {
    number(static_cast<uint64_t>(v.kind()));
    switch (v.kind()) {
        case tmpl::Kind::Missing:
        case tmpl::Kind::Null:
            break;
        case tmpl::Kind::Bool:
            number(v.asBool() ? 1 : 0);
            break;
        case tmpl::Kind::Int:
            number(static_cast<uint64_t>(v.asInt()));
            break;
        case tmpl::Kind::Double:
            number(std::bit_cast<uint64_t>(v.asDouble()));
            break;
        case tmpl::Kind::String:
            field(v.asString());
            break;
        case tmpl::Kind::List:
            number(v.asList().size());
            for (const auto& item : v.asList())
                value(item);
            break;
        case tmpl::Kind::Map:
            number(v.asMap().size());
            for (const auto& [key, item] : v.asMap()) {
                field(key);
                value(item);
            }
            break;
    }
    return *this;
}

std::string hashHex(uint64_t h) {
    return fmt::format("{:016x}", h);
}

}  // namespace vq::plan
