// Conversion of YAML and JSON documents into tmpl::Value.

#include <charconv>
#include <cmath>
#include <limits>
#include <regex>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tmpl/value.h"

namespace vq::tmpl {

namespace {

// Deeper documents are rejected instead of recursing without bound.
constexpr int kMaxDepth = 256;

bool isCoreBool(const std::string& s, bool& out) {
    if (s == "true" || s == "True" || s == "TRUE") {
        out = true;
        return true;
    }
    if (s == "false" || s == "False" || s == "FALSE") {
        out = false;
        return true;
    }
    return false;
}

bool isCoreNull(const std::string& s) {
    return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// YAML 1.2 core schema integers: decimal, 0o octal, 0x hex.
bool parseCoreInt(const std::string& s, Value& out) {
    static const std::regex kDec("[-+]?[0-9]+");
    static const std::regex kOct("0o[0-7]+");
    static const std::regex kHex("0x[0-9a-fA-F]+");
    int base = 10;
    std::string_view digits = s;
    bool negative = false;
    if (std::regex_match(s, kDec)) {
        if (digits.front() == '+' || digits.front() == '-') {
            negative = digits.front() == '-';
            digits.remove_prefix(1);
        }
    } else if (std::regex_match(s, kOct)) {
        base = 8;
        digits.remove_prefix(2);
    } else if (std::regex_match(s, kHex)) {
        base = 16;
        digits.remove_prefix(2);
    } else {
        return false;
    }
    uint64_t u = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
    (void)ptr;
    constexpr uint64_t kMaxPos = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (ec != std::errc() || u > kMaxPos + (negative ? 1 : 0)) {
        // Out of int64 range: keep the magnitude as a float, as YAML decoders do.
        double d = std::strtod(s.c_str(), nullptr);
        out = Value(d);
        return true;
    }
    out = negative ? Value(static_cast<int64_t>(0 - u)) : Value(static_cast<int64_t>(u));
    return true;
}

bool parseCoreFloat(const std::string& s, Value& out) {
    static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
        out = Value(std::numeric_limits<double>::infinity());
        return true;
    }
    if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
        out = Value(-std::numeric_limits<double>::infinity());
        return true;
    }
    if (s == ".nan" || s == ".NaN" || s == ".NAN") {
        out = Value(std::numeric_limits<double>::quiet_NaN());
        return true;
    }
    if (!std::regex_match(s, kFloat))
        return false;
    out = Value(std::strtod(s.c_str(), nullptr));
    return true;
}

Value scalarFromYaml(const YAML::Node& node) {
    const std::string& s = node.Scalar();
    // A quoted scalar carries the non-specific tag "!" and is always a string.
    if (node.Tag() == "!")
        return Value(s);
    if (node.Tag() == "tag:yaml.org,2002:str")
        return Value(s);
    if (isCoreNull(s))
        return Value::null();
    bool b = false;
    if (isCoreBool(s, b))
        return Value(b);
    Value v;
    if (parseCoreInt(s, v))
        return v;
    if (parseCoreFloat(s, v))
        return v;
    return Value(s);
}

Result<Value> fromYaml(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth)
        return Result<Value>::error("document nested too deeply");
    switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            return Value::null();
        case YAML::NodeType::Scalar:
            return scalarFromYaml(node);
        case YAML::NodeType::Sequence: {
            List items;
            items.reserve(node.size());
            for (const auto& item : node) {
                auto v = fromYaml(item, depth + 1);
                if (!v)
                    return v;
                items.push_back(std::move(*v));
            }
            return Value::list(std::move(items));
        }
        case YAML::NodeType::Map: {
            Map entries;
            for (const auto& kv : node) {
                std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
                auto v = fromYaml(kv.second, depth + 1);
                if (!v)
                    return v;
                entries.insert_or_assign(std::move(key), std::move(*v));
            }
            return Value::map(std::move(entries));
        }
    }
    return Value::null();
}

Result<Value> fromJson(const nlohmann::json& j, int depth) {
    if (depth > kMaxDepth)
        return Result<Value>::error("document nested too deeply");
    switch (j.type()) {
        case nlohmann::json::value_t::null:
        case nlohmann::json::value_t::discarded:
            return Value::null();
        case nlohmann::json::value_t::boolean:
            return Value(j.get<bool>());
        case nlohmann::json::value_t::number_integer:
            return Value(j.get<int64_t>());
        case nlohmann::json::value_t::number_unsigned: {
            uint64_t u = j.get<uint64_t>();
            if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
                return Value(static_cast<double>(u));
            }
            return Value(static_cast<int64_t>(u));
        }
        case nlohmann::json::value_t::number_float:
            return Value(j.get<double>());
        case nlohmann::json::value_t::string:
            return Value(j.get<std::string>());
        case nlohmann::json::value_t::array: {
            List items;
            items.reserve(j.size());
            for (const auto& item : j) {
                auto v = fromJson(item, depth + 1);
                if (!v)
                    return v;
                items.push_back(std::move(*v));
            }
            return Value::list(std::move(items));
        }
        case nlohmann::json::value_t::object: {
            Map entries;
            for (const auto& [k, item] : j.items()) {
                auto v = fromJson(item, depth + 1);
                if (!v)
                    return v;
                entries.insert_or_assign(k, std::move(*v));
            }
            return Value::map(std::move(entries));
        }
        case nlohmann::json::value_t::binary:
            return Result<Value>::error("binary JSON values are not supported");
    }
    return Value::null();
}

}  // namespace

Result<Value> valueFromYaml(std::string_view text) {
    try {
        YAML::Node root = YAML::Load(std::string(text));
        return fromYaml(root, 0);
    } catch (const YAML::Exception& e) {
        return Result<Value>::error(std::string("yaml: ") + e.what());
    }
}

Result<Value> valueFromJson(std::string_view text) {
    try {
        // Depth is bounded by our own walk; nlohmann's parser recurses too, so cap the input
        // nesting before parsing.
        int depth = 0;
        for (char c : text) {
            if (c == '[' || c == '{') {
                if (++depth > kMaxDepth) {
                    return Result<Value>::error("json: document nested too deeply");
                }
            } else if (c == ']' || c == '}') {
                --depth;
            }
        }
        return fromJson(nlohmann::json::parse(text), 0);
    } catch (const nlohmann::json::exception& e) {
        return Result<Value>::error(std::string("json: ") + e.what());
    }
}

}  // namespace vq::tmpl
