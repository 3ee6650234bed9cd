#include "tmpl/value.h"

namespace vq::tmpl {

namespace {
const std::string kEmptyString;
const List kEmptyList;
const Map kEmptyMap;
}  // namespace

Value::Value(std::string s)
    : kind_(Kind::String), ptr_(std::make_shared<const std::string>(std::move(s))) {}

Value Value::list(List items) {
    Value v;
    v.kind_ = Kind::List;
    v.ptr_ = std::make_shared<const List>(std::move(items));
    return v;
}

Value Value::map(Map entries) {
    Value v;
    v.kind_ = Kind::Map;
    v.ptr_ = std::make_shared<const Map>(std::move(entries));
    return v;
}

const std::string& Value::asString() const {
    return kind_ == Kind::String ? *static_cast<const std::string*>(ptr_.get()) : kEmptyString;
}

const List& Value::asList() const {
    return kind_ == Kind::List ? *static_cast<const List*>(ptr_.get()) : kEmptyList;
}

const Map& Value::asMap() const {
    return kind_ == Kind::Map ? *static_cast<const Map*>(ptr_.get()) : kEmptyMap;
}

const Value* Value::find(std::string_view key) const {
    if (kind_ != Kind::Map)
        return nullptr;
    const Map& m = asMap();
    auto it = m.find(key);
    return it == m.end() ? nullptr : &it->second;
}

size_t Value::size() const {
    switch (kind_) {
        case Kind::String:
            return asString().size();
        case Kind::List:
            return asList().size();
        case Kind::Map:
            return asMap().size();
        default:
            return 0;
    }
}

std::string_view Value::typeName() const {
    switch (kind_) {
        case Kind::Missing:
        case Kind::Null:
            return "<nil>";
        case Kind::Bool:
            return "bool";
        case Kind::Int:
            return "int";
        case Kind::Double:
            return "float64";
        case Kind::String:
            return "string";
        case Kind::List:
            return "[]interface {}";
        case Kind::Map:
            return "map[string]interface {}";
    }
    return "<nil>";
}

bool operator==(const Value& a, const Value& b) {
    if (a.kind_ != b.kind_)
        return false;
    switch (a.kind_) {
        case Kind::Missing:
        case Kind::Null:
            return true;
        case Kind::Bool:
            return a.b_ == b.b_;
        case Kind::Int:
            return a.i_ == b.i_;
        case Kind::Double:
            return a.d_ == b.d_;
        case Kind::String:
            return a.asString() == b.asString();
        case Kind::List:
            return a.ptr_ == b.ptr_ || a.asList() == b.asList();
        case Kind::Map:
            return a.ptr_ == b.ptr_ || a.asMap() == b.asMap();
    }
    return false;
}

}  // namespace vq::tmpl
