#pragma once
// tmpl::Value: the data a template sees. It mirrors what Go's text/template sees when it
// executes over map[string]any decoded from YAML/JSON: nil, bool, int, float64, string,
// []any and map[string]any. Missing (Go's invalid reflect.Value) is kept apart from Null
// (a present nil) because Go prints and errors differently for the two.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/result.h"

namespace vq::tmpl {

enum class Kind : uint8_t { Missing, Null, Bool, Int, Double, String, List, Map };

class Value;
using List = std::vector<Value>;
using Map = std::map<std::string, Value, std::less<>>;

class Value {
public:
    // A default-constructed Value is Missing: what a lookup of an absent key yields.
    Value() {}  // NOLINT: user-provided so const Values may be default-initialised
    static Value missing() { return Value(); }
    static Value null() {
        Value v;
        v.kind_ = Kind::Null;
        return v;
    }
    Value(bool b) : kind_(Kind::Bool), b_(b) {}  // NOLINT: implicit by design
    template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) Value(T i)
        : kind_(Kind::Int), i_(static_cast<int64_t>(i)) {}  // NOLINT
    Value(double d) : kind_(Kind::Double), d_(d) {}         // NOLINT
    Value(std::string s);                                   // NOLINT
    Value(std::string_view s) : Value(std::string(s)) {}    // NOLINT
    Value(const char* s) : Value(std::string(s)) {}         // NOLINT
    static Value list(List items);
    static Value map(Map entries);

    Kind kind() const { return kind_; }
    bool isMissing() const { return kind_ == Kind::Missing; }
    bool isNull() const { return kind_ == Kind::Null; }
    // True for Missing and Null: both are "no value" once a pipeline finishes.
    bool isNil() const { return kind_ == Kind::Missing || kind_ == Kind::Null; }
    bool isBool() const { return kind_ == Kind::Bool; }
    bool isInt() const { return kind_ == Kind::Int; }
    bool isDouble() const { return kind_ == Kind::Double; }
    bool isString() const { return kind_ == Kind::String; }
    bool isList() const { return kind_ == Kind::List; }
    bool isMap() const { return kind_ == Kind::Map; }

    // Accessors return a neutral value when the kind does not match.
    bool asBool() const { return kind_ == Kind::Bool && b_; }
    int64_t asInt() const { return kind_ == Kind::Int ? i_ : 0; }
    double asDouble() const { return kind_ == Kind::Double ? d_ : 0.0; }
    const std::string& asString() const;
    const List& asList() const;
    const Map& asMap() const;

    // Map lookup: nullptr when the key is absent (or this is not a map).
    const Value* find(std::string_view key) const;
    // Elements of a list, entries of a map, bytes of a string; 0 otherwise.
    size_t size() const;

    // Go's name of the dynamic type, for error messages ("int", "string", ...).
    std::string_view typeName() const;

    friend bool operator==(const Value& a, const Value& b);

private:
    Kind kind_ = Kind::Missing;
    union {
        bool b_;
        int64_t i_ = 0;
        double d_;
    };
    // String, List or Map storage; shared and immutable so copies are O(1).
    std::shared_ptr<const void> ptr_;
};

// Parse YAML (yaml-cpp) or JSON (nlohmann) text into a Value. Integers stay int64 and floats
// double; plain YAML scalars are typed as Go's yaml.v2 resolves them (base/yaml_scalar.h:
// yes/on are bools, 0644 is octal, ~ is null), quoted and block scalars are strings.
Result<Value> valueFromYaml(std::string_view text);
Result<Value> valueFromJson(std::string_view text);

// One plain YAML scalar as a Value. Go's uint64 (integers above INT64_MAX) has no kind here
// and becomes the nearest float64.
Value valueFromPlainYamlScalar(std::string_view text);

}  // namespace vq::tmpl
