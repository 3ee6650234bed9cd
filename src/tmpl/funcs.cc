#include "tmpl/funcs.h"

#include <cstdio>

#include "tmpl/fmt.h"
#include "tmpl/unicode.h"

namespace vq::tmpl {

namespace {

// Builtins see a present nil exactly like a missing value (Go's indirectInterface).
const Value& indirect(const Value& v) {
    static const Value kMissing{};
    return v.isNull() ? kMissing : v;
}

Result<int64_t> indexArg(const Value& index, size_t cap) {
    const Value& i = indirect(index);
    if (i.isMissing())
        return Result<int64_t>::error("cannot index slice/array with nil");
    if (!i.isInt()) {
        return Result<int64_t>::error("cannot index slice/array with type " +
                                      std::string(i.typeName()));
    }
    int64_t x = i.asInt();
    if (x < 0 || static_cast<uint64_t>(x) > cap) {
        return Result<int64_t>::error("index out of range: " + std::to_string(x));
    }
    return x;
}

enum class BasicKind { Invalid, Bool, Int, Float, String };

BasicKind basicKind(const Value& v) {
    switch (v.kind()) {
        case Kind::Bool:
            return BasicKind::Bool;
        case Kind::Int:
            return BasicKind::Int;
        case Kind::Double:
            return BasicKind::Float;
        case Kind::String:
            return BasicKind::String;
        default:
            return BasicKind::Invalid;
    }
}

}  // namespace

bool isTrue(const Value& v) {
    switch (v.kind()) {
        case Kind::Missing:
        case Kind::Null:
            return false;
        case Kind::Bool:
            return v.asBool();
        case Kind::Int:
            return v.asInt() != 0;
        case Kind::Double:
            return v.asDouble() != 0;
        default:
            return v.size() > 0;
    }
}

Result<Value> builtinIndex(const Value& item_in, std::span<const Value> indexes) {
    Value item = indirect(item_in);
    if (item.isMissing())
        return Result<Value>::error("index of untyped nil");
    for (const Value& index_in : indexes) {
        const Value& index = indirect(index_in);
        if (item.isNil())
            return Result<Value>::error("index of nil pointer");
        if (item.isList() || item.isString()) {
            auto x = indexArg(index, item.size());
            if (!x)
                return x.status();
            if (static_cast<size_t>(*x) == item.size()) {
                return Result<Value>::error("index out of range: " + std::to_string(*x));
            }
            if (item.isList()) {
                item = item.asList()[static_cast<size_t>(*x)];
            } else {
                item = Value(static_cast<int64_t>(
                    static_cast<unsigned char>(item.asString()[static_cast<size_t>(*x)])));
            }
        } else if (item.isMap()) {
            if (index.isMissing()) {
                return Result<Value>::error("value is nil; should be of type string");
            }
            if (!index.isString()) {
                return Result<Value>::error("value has type " + std::string(index.typeName()) +
                                            "; should be string");
            }
            const Value* found = item.find(index.asString());
            item = found ? *found : Value::null();
        } else {
            return Result<Value>::error("can't index item of type " + std::string(item.typeName()));
        }
    }
    return item;
}

Result<Value> builtinSlice(const Value& item_in, std::span<const Value> indexes) {
    const Value& item = indirect(item_in);
    if (item.isMissing())
        return Result<Value>::error("slice of untyped nil");
    if (indexes.size() > 3) {
        return Result<Value>::error("too many slice indexes: " + std::to_string(indexes.size()));
    }
    if (item.isString()) {
        if (indexes.size() == 3)
            return Result<Value>::error("cannot 3-index slice a string");
    } else if (!item.isList()) {
        return Result<Value>::error("can't slice item of type " + std::string(item.typeName()));
    }
    size_t cap = item.size();
    int64_t idx[3] = {0, static_cast<int64_t>(item.size()), 0};
    for (size_t i = 0; i < indexes.size(); ++i) {
        auto x = indexArg(indexes[i], cap);
        if (!x)
            return x.status();
        idx[i] = *x;
    }
    if (idx[0] > idx[1]) {
        return Result<Value>::error("invalid slice index: " + std::to_string(idx[0]) + " > " +
                                    std::to_string(idx[1]));
    }
    if (indexes.size() == 3 && idx[1] > idx[2]) {
        return Result<Value>::error("invalid slice index: " + std::to_string(idx[1]) + " > " +
                                    std::to_string(idx[2]));
    }
    if (item.isString()) {
        return Value(item.asString().substr(static_cast<size_t>(idx[0]),
                                            static_cast<size_t>(idx[1] - idx[0])));
    }
    const List& l = item.asList();
    return Value::list(List(l.begin() + idx[0], l.begin() + idx[1]));
}

Result<Value> builtinLen(const Value& item) {
    if (item.isNull())
        return Result<Value>::error("len of nil pointer");
    if (item.isMissing()) {
        return Result<Value>::error("reflect: call of reflect.Value.Type on zero Value");
    }
    if (item.isString() || item.isList() || item.isMap()) {
        return Value(static_cast<int64_t>(item.size()));
    }
    return Result<Value>::error("len of type " + std::string(item.typeName()));
}

Result<bool> builtinEq(const Value& a_in, std::span<const Value> others) {
    const Value& a = indirect(a_in);
    if (others.empty())
        return Result<bool>::error("missing argument for comparison");
    BasicKind k1 = basicKind(a);
    for (const Value& b_in : others) {
        const Value& b = indirect(b_in);
        BasicKind k2 = basicKind(b);
        bool truth = false;
        if (k1 != k2) {
            if (!a.isMissing() && !b.isMissing()) {
                return Result<bool>::error("incompatible types for comparison");
            }
        } else {
            switch (k1) {
                case BasicKind::Bool:
                    truth = a.asBool() == b.asBool();
                    break;
                case BasicKind::Float:
                    truth = a.asDouble() == b.asDouble();
                    break;
                case BasicKind::Int:
                    truth = a.asInt() == b.asInt();
                    break;
                case BasicKind::String:
                    truth = a.asString() == b.asString();
                    break;
                case BasicKind::Invalid:
                    if (a.kind() != b.kind() && !a.isMissing() && !b.isMissing()) {
                        return Result<bool>::error("non-comparable types");
                    }
                    if (a.isMissing() || b.isMissing()) {
                        truth = a.isMissing() == b.isMissing();
                    } else {
                        return Result<bool>::error("non-comparable type " +
                                                   std::string(b.typeName()));
                    }
                    break;
            }
        }
        if (truth)
            return true;
    }
    return false;
}

Result<bool> builtinLt(const Value& a_in, const Value& b_in) {
    const Value& a = indirect(a_in);
    const Value& b = indirect(b_in);
    BasicKind k1 = basicKind(a);
    if (k1 == BasicKind::Invalid)
        return Result<bool>::error("invalid type for comparison");
    BasicKind k2 = basicKind(b);
    if (k2 == BasicKind::Invalid)
        return Result<bool>::error("invalid type for comparison");
    if (k1 != k2)
        return Result<bool>::error("incompatible types for comparison");
    switch (k1) {
        case BasicKind::Float:
            return a.asDouble() < b.asDouble();
        case BasicKind::Int:
            return a.asInt() < b.asInt();
        case BasicKind::String:
            return a.asString() < b.asString();
        default:
            return Result<bool>::error("invalid type for comparison");
    }
}

Result<bool> builtinLe(const Value& a, const Value& b) {
    auto lt = builtinLt(a, b);
    if (!lt || *lt)
        return lt;
    const Value one[1] = {b};
    return builtinEq(a, one);
}

std::string escapeArgs(std::span<const Value> args) {
    if (args.size() == 1 && args[0].isString())
        return args[0].asString();
    // evalArgs: missing values print as "<no value>", then fmt.Sprint of the rest.
    std::vector<Value> printable(args.begin(), args.end());
    for (auto& v : printable) {
        if (v.isMissing())
            v = Value("<no value>");
    }
    std::string out;
    appendSprint(out, printable);
    return out;
}

std::string htmlEscape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '\0':
                out += "\xEF\xBF\xBD";
                break;
            case '"':
                out += "&#34;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string jsEscape(std::string_view s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            switch (c) {
                case '\\':
                    out += "\\\\";
                    break;
                case '\'':
                    out += "\\'";
                    break;
                case '"':
                    out += "\\\"";
                    break;
                case '<':
                    out += "\\u003C";
                    break;
                case '>':
                    out += "\\u003E";
                    break;
                case '&':
                    out += "\\u0026";
                    break;
                case '=':
                    out += "\\u003D";
                    break;
                default:
                    if (c < ' ') {
                        out += "\\u00";
                        out += kHex[c >> 4];
                        out += kHex[c & 0xF];
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            continue;
        }
        size_t w = 0;
        int r = decodeRune(s.substr(i), w);
        if (isPrintRune(r)) {
            out.append(s.substr(i, w));
        } else {
            char buf[16];
            std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(r));
            out += buf;
        }
        i += w;
    }
    return out;
}

std::string urlQueryEscape(std::string_view s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        }
    }
    return out;
}

}  // namespace vq::tmpl
