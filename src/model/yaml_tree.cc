#include "model/yaml_tree.h"

#include <charconv>
#include <cmath>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace vq::model {

uint32_t YamlDoc::find(uint32_t i, std::string_view key) const {
    if (!isMap(i))
        return kNone;
    const YamlNode& n = nodes_[i];
    for (uint32_t p = 0; p < n.count; ++p) {
        const YamlNode& k = nodes_[mapKey(i, p)];
        if (k.kind == YamlKind::Scalar && k.text == key)
            return mapValue(i, p);
    }
    return kNone;
}

bool YamlDoc::isNull(uint32_t i) const {
    if (i == kNone)
        return true;
    const YamlNode& n = nodes_[i];
    if (n.kind == YamlKind::Null)
        return true;
    return n.kind == YamlKind::Scalar && !n.quoted &&
           resolvePlainScalar(n.text) == ScalarType::Null;
}

ScalarType YamlDoc::scalarType(uint32_t i) const {
    const YamlNode& n = nodes_[i];
    if (n.kind == YamlKind::Null)
        return ScalarType::Null;
    if (n.quoted)
        return ScalarType::String;
    return resolvePlainScalar(n.text);
}

std::optional<bool> YamlDoc::asBool(uint32_t i) const {
    if (!isScalar(i) || nodes_[i].quoted)
        return std::nullopt;
    return parseYamlBool(nodes_[i].text);
}

std::optional<int64_t> YamlDoc::asInt(uint32_t i) const {
    if (!isScalar(i) || nodes_[i].quoted)
        return std::nullopt;
    return parseYamlInt(nodes_[i].text);
}

std::optional<double> YamlDoc::asFloat(uint32_t i) const {
    if (!isScalar(i) || nodes_[i].quoted)
        return std::nullopt;
    if (auto v = parseYamlInt(nodes_[i].text))
        return static_cast<double>(*v);
    return parseYamlFloat(nodes_[i].text);
}

std::optional<bool> parseYamlBool(std::string_view t) {
    // YAML 1.1 booleans, the set Go's yaml.v2 resolves (the original used it).
    static constexpr std::string_view kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                                 "True", "TRUE", "on",  "On",  "ON"};
    static constexpr std::string_view kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                                  "False", "FALSE", "off", "Off", "OFF"};
    if (t.empty() || t.size() > 5)
        return std::nullopt;
    for (auto s : kTrue) {
        if (t == s)
            return true;
    }
    for (auto s : kFalse) {
        if (t == s)
            return false;
    }
    return std::nullopt;
}

std::optional<int64_t> parseYamlInt(std::string_view t) {
    if (t.empty() || t.size() > 40)
        return std::nullopt;
    bool neg = false;
    size_t pos = 0;
    if (t[0] == '-' || t[0] == '+') {
        neg = t[0] == '-';
        pos = 1;
    }
    int base = 10;
    if (t.substr(pos, 2) == "0x") {
        base = 16;
        pos += 2;
    } else if (t.substr(pos, 2) == "0b") {
        base = 2;
        pos += 2;
    } else if (t.substr(pos, 2) == "0o") {
        base = 8;
        pos += 2;
    } else if (t.size() - pos > 1 && t[pos] == '0') {
        base = 8;
        pos += 1;
    }
    std::string digits;
    for (size_t i = pos; i < t.size(); ++i) {
        if (t[i] != '_')
            digits.push_back(t[i]);
    }
    if (digits.empty())
        return std::nullopt;
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (ec != std::errc() || ptr != digits.data() + digits.size())
        return std::nullopt;
    if (!neg && v > static_cast<uint64_t>(INT64_MAX))
        return std::nullopt;
    if (neg && v > static_cast<uint64_t>(INT64_MAX) + 1)
        return std::nullopt;
    return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

std::optional<double> parseYamlFloat(std::string_view t) {
    if (t.empty() || t.size() > 64)
        return std::nullopt;
    if (t == ".inf" || t == ".Inf" || t == ".INF" || t == "+.inf")
        return HUGE_VAL;
    if (t == "-.inf" || t == "-.Inf" || t == "-.INF")
        return -HUGE_VAL;
    if (t == ".nan" || t == ".NaN" || t == ".NAN")
        return std::nan("");
    // [-+]? ( \. [0-9]+ | [0-9][0-9_]* (\. [0-9_]*)? ) ([eE][-+]?[0-9]+)?
    size_t i = 0;
    if (t[i] == '-' || t[i] == '+')
        ++i;
    size_t int_digits = 0, frac_digits = 0;
    while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '_')) {
        ++i;
        ++int_digits;
    }
    if (i < t.size() && t[i] == '.') {
        ++i;
        while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '_')) {
            ++i;
            ++frac_digits;
        }
    }
    if (int_digits + frac_digits == 0)
        return std::nullopt;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '-' || t[i] == '+'))
            ++i;
        size_t exp_digits = 0;
        while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
            ++i;
            ++exp_digits;
        }
        if (exp_digits == 0)
            return std::nullopt;
    }
    if (i != t.size())
        return std::nullopt;
    std::string clean;
    for (char c : t) {
        if (c != '_' && c != '+')
            clean.push_back(c);
    }
    double v = 0;
    auto [ptr, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), v);
    if (ptr != clean.data() + clean.size())
        return std::nullopt;
    if (ec == std::errc::result_out_of_range)
        return std::nullopt;
    return v;
}

ScalarType resolvePlainScalar(std::string_view t) {
    if (t.empty())
        return ScalarType::Null;
    const char c = t[0];
    // Fast path: most scalars start with a letter that no special form starts with.
    if (t == "~" || t == "null" || t == "Null" || t == "NULL")
        return ScalarType::Null;
    if (parseYamlBool(t))
        return ScalarType::Bool;
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
        if (parseYamlInt(t))
            return ScalarType::Int;
        if (parseYamlFloat(t))
            return ScalarType::Float;
    }
    return ScalarType::String;
}

// Thrown from inside the event handler to stop a parse that outgrows its input (yaml-cpp
// can loop on some malformed input, emitting empty nodes or documents forever).
struct YamlLimitError {
    int line, col;
};

// Builds a YamlDoc from parser events. Aliases share the anchored node (a DAG, never a
// cycle: an alias to a node that is still open resolves to null).
class YamlTreeBuilder : public YAML::EventHandler {
public:
    YamlTreeBuilder(YamlDoc& doc, size_t max_nodes) : doc_(doc), max_nodes_(max_nodes) {}

    void OnDocumentStart(const YAML::Mark& mark) override { doc_.line_ = mark.line + 1; }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        finish(add(YamlKind::Null, mark, anchor));
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        uint32_t target = YamlDoc::kNone;
        if (anchor < anchors_.size())
            target = anchors_[anchor];
        for (const auto& f : stack_) {
            if (f.node == target)
                target = YamlDoc::kNone;  // self-reference
        }
        if (target == YamlDoc::kNone) {
            finish(add(YamlKind::Null, mark, 0));
        } else {
            doc_.has_aliases_ = true;
            finish(target);
        }
    }
    void OnScalar(const YAML::Mark& mark,
                  const std::string& tag,
                  YAML::anchor_t anchor,
                  const std::string& value) override {
        const uint32_t i = add(YamlKind::Scalar, mark, anchor);
        YamlNode& n = doc_.nodes_[i];
        n.text = value;
        n.quoted = tag != "?";
        finish(i);
    }
    void OnSequenceStart(const YAML::Mark& mark,
                         const std::string&,
                         YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(add(YamlKind::Seq, mark, anchor));
    }
    void OnSequenceEnd() override { close(false); }
    void OnMapStart(const YAML::Mark& mark,
                    const std::string&,
                    YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(add(YamlKind::Map, mark, anchor));
    }
    void OnMapEnd() override { close(true); }

private:
    struct Frame {
        uint32_t node;
        size_t depth;
    };

    uint32_t add(YamlKind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
        if (doc_.nodes_.size() >= max_nodes_) {
            throw YamlLimitError{mark.line + 1, mark.column + 1};
        }
        const auto i = static_cast<uint32_t>(doc_.nodes_.size());
        YamlNode& n = doc_.nodes_.emplace_back();
        n.kind = kind;
        n.line = mark.line + 1;
        n.col = mark.column + 1;
        if (anchor != 0) {
            if (anchors_.size() <= anchor)
                anchors_.resize(anchor + 1, YamlDoc::kNone);
            anchors_[anchor] = i;
        }
        return i;
    }

    void open(uint32_t i) {
        const size_t depth = stack_.size();
        if (pending_.size() <= depth)
            pending_.resize(depth + 1);
        pending_[depth].clear();
        stack_.push_back(Frame{i, depth});
    }

    void close(bool is_map) {
        if (stack_.empty())
            return;
        const Frame f = stack_.back();
        stack_.pop_back();
        auto& kids = pending_[f.depth];
        YamlNode& n = doc_.nodes_[f.node];
        n.first = static_cast<uint32_t>(doc_.kids_.size());
        if (is_map && kids.size() % 2 != 0)
            kids.pop_back();  // defensive: key without value
        n.count = static_cast<uint32_t>(is_map ? kids.size() / 2 : kids.size());
        doc_.kids_.insert(doc_.kids_.end(), kids.begin(), kids.end());
        finish(f.node);
    }

    void finish(uint32_t i) {
        if (stack_.empty()) {
            if (doc_.root_ == YamlDoc::kNone)
                doc_.root_ = i;
            return;
        }
        pending_[stack_.back().depth].push_back(i);
    }

    YamlDoc& doc_;
    size_t max_nodes_;
    std::vector<Frame> stack_;
    std::vector<std::vector<uint32_t>> pending_;
    std::vector<uint32_t> anchors_;
};

YamlFile parseYaml(std::string_view text) {
    YamlFile out;
    try {
        std::istringstream in{std::string(text)};
        YAML::Parser parser(in);
        // Every node and every document takes at least one byte of input; allow slack for
        // implicit nulls, and treat anything beyond as the parser running away.
        const size_t max_nodes = 2 * text.size() + 16;
        for (;;) {
            YamlDoc doc;
            YamlTreeBuilder builder(doc, max_nodes);
            if (!parser.HandleNextDocument(builder))
                break;
            if (out.docs.size() > text.size() + 1) {
                out.error = YamlParseError{0, 0, "the YAML parser made no progress"};
                break;
            }
            out.docs.push_back(std::move(doc));
        }
    } catch (const YamlLimitError& e) {
        out.error = YamlParseError{e.line, e.col, "the YAML parser made no progress"};
    } catch (const YAML::Exception& e) {
        out.error = YamlParseError{e.mark.line + 1, e.mark.column + 1, e.msg};
    } catch (const std::exception& e) {
        out.error = YamlParseError{0, 0, e.what()};
    }
    return out;
}

}  // namespace vq::model
