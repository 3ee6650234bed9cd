#include "model/fields.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace vq::model {

void DecodeCtx::error(uint32_t node, const std::string& path, std::string message) const {
    const YamlNode* n = node == YamlDoc::kNone ? nullptr : &doc.node(node);
    diags.error(file, n ? n->line : doc.line(), n ? n->col : 1, path, std::move(message));
}

void DecodeCtx::warning(uint32_t node, const std::string& path, std::string message) const {
    const YamlNode* n = node == YamlDoc::kNone ? nullptr : &doc.node(node);
    diags.warning(file, n ? n->line : doc.line(), n ? n->col : 1, path, std::move(message));
}

std::string joinPath(const std::string& path, std::string_view key) {
    if (path.empty())
        return std::string(key);
    std::string out;
    out.reserve(path.size() + 1 + key.size());
    out += path;
    out += '.';
    out += key;
    return out;
}

std::string indexPath(const std::string& path, size_t i) {
    return fmt::format("{}[{}]", path, i);
}

const char* kindName(const YamlDoc& doc, uint32_t node) {
    if (node == YamlDoc::kNone)
        return "nothing";
    switch (doc.node(node).kind) {
        case YamlKind::Null:
            return "null";
        case YamlKind::Seq:
            return "a list";
        case YamlKind::Map:
            return "a map";
        case YamlKind::Scalar:
            break;
    }
    switch (doc.scalarType(node)) {
        case YamlScalarKind::Null:
            return "null";
        case YamlScalarKind::Bool:
            return "a boolean";
        case YamlScalarKind::Int:
        case YamlScalarKind::Uint:
            return "an integer";
        case YamlScalarKind::Float:
            return "a number";
        case YamlScalarKind::String:
            break;
    }
    return "a string";
}

static size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            // Transposition counts as one edit ("worklfow").
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                cur[j] = std::min(cur[j], prev[j - 1]);
            }
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string closestMatch(std::string_view word, std::span<const std::string_view> candidates) {
    if (word.size() > 64)
        return "";
    std::string best;
    size_t best_d = SIZE_MAX;
    for (auto c : candidates) {
        const size_t d = editDistance(word, c);
        if (d < best_d) {
            best_d = d;
            best = std::string(c);
        }
    }
    const size_t limit = std::max<size_t>(2, word.size() / 3);
    return best_d <= limit ? best : "";
}

Fields::Fields(const DecodeCtx& ctx,
               uint32_t node,
               std::string path,
               const char* what,
               std::initializer_list<std::string_view> known)
    : ctx_(ctx), node_(node), path_(std::move(path)) {
    values_.fill(YamlDoc::kNone);
    for (auto name : known) {
        if (known_count_ < kMaxFields)
            known_[known_count_++] = name;
    }
    const YamlDoc& doc = ctx.doc;
    if (!doc.isMap(node)) {
        ctx.error(node, path_,
                  fmt::format("expected {} (a map), got {}", what, kindName(doc, node)));
        return;
    }
    is_map_ = true;
    const uint32_t pairs = doc.node(node).count;
    for (uint32_t p = 0; p < pairs; ++p) {
        const uint32_t k = doc.mapKey(node, p);
        const YamlNode& kn = doc.node(k);
        if (kn.kind != YamlKind::Scalar) {
            ctx.error(k, path_, "map keys must be plain strings");
            continue;
        }
        size_t idx = 0;
        bool found = false;
        for (auto name : known_) {
            if (idx >= kMaxFields)
                break;
            if (name == kn.text) {
                found = true;
                break;
            }
            ++idx;
        }
        if (!found) {
            std::string hint = closestMatch(kn.text, known_);
            ctx.error(k, joinPath(path_, kn.text),
                      hint.empty() ? fmt::format("unknown field \"{}\"", kn.text)
                                   : fmt::format("unknown field \"{}\" (did you mean \"{}\"?)",
                                                 kn.text, hint));
            continue;
        }
        if (values_[idx] != YamlDoc::kNone) {
            ctx.error(k, joinPath(path_, kn.text),
                      fmt::format("duplicate key \"{}\" (first at line {})", kn.text,
                                  doc.node(values_[idx]).line));
            continue;
        }
        values_[idx] = doc.mapValue(node, p);
    }
}

uint32_t Fields::get(std::string_view key) const {
    size_t idx = 0;
    for (auto name : known_) {
        if (idx >= kMaxFields)
            break;
        if (name == key)
            return values_[idx];
        ++idx;
    }
    return YamlDoc::kNone;
}

Loc Fields::here() const {
    if (node_ == YamlDoc::kNone)
        return Loc{ctx_.doc.line(), 1};
    const YamlNode& n = ctx_.doc.node(node_);
    return Loc{n.line, n.col};
}

Loc Fields::loc(std::string_view key) const {
    const uint32_t v = get(key);
    if (v == YamlDoc::kNone)
        return here();
    const YamlNode& n = ctx_.doc.node(v);
    return Loc{n.line, n.col};
}

bool Fields::strListLocs(std::string_view key,
                         std::vector<std::string>& out,
                         std::vector<Loc>& locs) const {
    const uint32_t v = get(key);
    const YamlDoc& doc = ctx_.doc;
    if (doc.isNull(v))
        return false;
    if (!doc.isSeq(v)) {
        ctx_.error(v, sub(key),
                   fmt::format("expected a list of strings, got {}", kindName(doc, v)));
        return false;
    }
    const uint32_t n = doc.node(v).count;
    for (uint32_t k = 0; k < n; ++k) {
        std::string s;
        const uint32_t item = doc.seqItem(v, k);
        if (scalarText(ctx_, item, indexPath(sub(key), k), s)) {
            out.push_back(std::move(s));
            locs.push_back(Loc{doc.node(item).line, doc.node(item).col});
        }
    }
    return true;
}

void Fields::missing(std::string_view key) const {
    ctx_.error(node_, sub(key), "missing required field");
}

bool scalarText(const DecodeCtx& ctx, uint32_t node, const std::string& path, std::string& out) {
    if (!ctx.doc.isScalar(node)) {
        ctx.error(node, path, fmt::format("expected a string, got {}", kindName(ctx.doc, node)));
        return false;
    }
    out = ctx.doc.node(node).text;
    return true;
}

bool Fields::str(std::string_view key, std::string& out, bool required) const {
    const uint32_t v = get(key);
    if (ctx_.doc.isNull(v)) {
        if (required && is_map_)
            missing(key);
        return false;
    }
    return scalarText(ctx_, v, sub(key), out);
}

bool Fields::integer(std::string_view key, int& out, bool required, int min, int max) const {
    const uint32_t v = get(key);
    if (ctx_.doc.isNull(v)) {
        if (required && is_map_)
            missing(key);
        return false;
    }
    auto i = ctx_.doc.asInt(v);
    if (!i && ctx_.doc.isScalar(v) && ctx_.doc.scalarType(v) == YamlScalarKind::Uint) {
        ctx_.error(v, sub(key),
                   fmt::format("{} is out of range ({}..{})", ctx_.doc.node(v).text, min, max));
        return false;
    }
    if (!i) {
        ctx_.error(v, sub(key), fmt::format("expected an integer, got {}", kindName(ctx_.doc, v)));
        return false;
    }
    if (*i < min || *i > max) {
        ctx_.error(v, sub(key), fmt::format("{} is out of range ({}..{})", *i, min, max));
        return false;
    }
    out = static_cast<int>(*i);
    return true;
}

bool Fields::countOrPercent(std::string_view key, CountOrPercent& out) const {
    const uint32_t v = get(key);
    if (ctx_.doc.isNull(v))
        return false;
    if (ctx_.doc.isScalar(v)) {
        const std::string& text = ctx_.doc.node(v).text;
        if (!text.empty() && text.back() == '%') {
            int n = 0;
            const auto* first = text.data();
            const auto* last = text.data() + text.size() - 1;
            auto [ptr, ec] = std::from_chars(first, last, n);
            if (ec != std::errc() || ptr != last || n < 0 || n > 100) {
                ctx_.error(
                    v, sub(key),
                    fmt::format("expected a count or a percentage (0%..100%), got '{}'", text));
                return false;
            }
            out = CountOrPercent{n, true};
            return true;
        }
    }
    int n = 0;
    if (!integer(key, n))
        return false;
    out = CountOrPercent{n, false};
    return true;
}

bool Fields::boolean(std::string_view key, bool& out) const {
    const uint32_t v = get(key);
    if (ctx_.doc.isNull(v))
        return false;
    auto b = ctx_.doc.asBool(v);
    if (!b) {
        ctx_.error(v, sub(key),
                   fmt::format("expected true or false, got {}", kindName(ctx_.doc, v)));
        return false;
    }
    out = *b;
    return true;
}

bool Fields::strList(std::string_view key, std::vector<std::string>& out, bool required) const {
    const uint32_t v = get(key);
    const YamlDoc& doc = ctx_.doc;
    if (doc.isNull(v)) {
        if (required && is_map_)
            missing(key);
        return false;
    }
    if (!doc.isSeq(v)) {
        ctx_.error(v, sub(key),
                   fmt::format("expected a list of strings, got {}", kindName(doc, v)));
        return false;
    }
    const uint32_t n = doc.node(v).count;
    out.clear();
    out.reserve(n);
    for (uint32_t k = 0; k < n; ++k) {
        std::string s;
        if (scalarText(ctx_, doc.seqItem(v, k), indexPath(sub(key), k), s)) {
            out.push_back(std::move(s));
        }
    }
    return true;
}

bool Fields::strMap(std::string_view key,
                    std::vector<std::pair<std::string, std::string>>& out) const {
    const uint32_t v = get(key);
    const YamlDoc& doc = ctx_.doc;
    if (doc.isNull(v))
        return false;
    if (!doc.isMap(v)) {
        ctx_.error(v, sub(key), fmt::format("expected a map of strings, got {}", kindName(doc, v)));
        return false;
    }
    const uint32_t n = doc.node(v).count;
    for (uint32_t p = 0; p < n; ++p) {
        std::string k, val;
        const uint32_t kn = doc.mapKey(v, p);
        if (!scalarText(ctx_, kn, sub(key), k))
            continue;
        const uint32_t vn = doc.mapValue(v, p);
        if (doc.isNull(vn)) {
            out.emplace_back(std::move(k), std::string());
        } else if (scalarText(ctx_, vn, joinPath(sub(key), k), val)) {
            out.emplace_back(std::move(k), std::move(val));
        }
    }
    return true;
}

}  // namespace vq::model
