// Conversion of YAML and JSON documents into tmpl::Value.

#include <limits>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "base/yaml_scalar.h"
#include "tmpl/value.h"

namespace vq::tmpl {

namespace {

// Deeper documents are rejected instead of recursing without bound.
constexpr int kMaxDepth = 256;

Value scalarFromYaml(const YAML::Node& node) {
    const std::string& s = node.Scalar();
    // A quoted scalar carries the non-specific tag "!" and is always a string.
    if (node.Tag() == "!")
        return Value(s);
    if (node.Tag() == "tag:yaml.org,2002:str")
        return Value(s);
    return valueFromPlainYamlScalar(s);
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

Value valueFromPlainYamlScalar(std::string_view text) {
    const YamlScalar s = resolvePlainYamlScalar(text);
    switch (s.kind) {
        case YamlScalarKind::Null:
            return Value::null();
        case YamlScalarKind::Bool:
            return Value(s.boolean);
        case YamlScalarKind::Int:
            return Value(s.integer);
        case YamlScalarKind::Uint:
            return Value(static_cast<double>(s.uinteger));
        case YamlScalarKind::Float:
            return Value(s.number);
        case YamlScalarKind::String:
            break;
    }
    return Value(text);
}

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
