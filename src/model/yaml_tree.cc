#include "model/yaml_tree.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include "base/utf8.h"

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
    return n.kind == YamlKind::Scalar && scalarType(i) == YamlScalarKind::Null;
}

YamlScalar YamlDoc::scalar(uint32_t i) const {
    const YamlNode& n = nodes_[i];
    if (n.kind == YamlKind::Null)
        return YamlScalar{YamlScalarKind::Null};
    if (n.quoted || n.kind != YamlKind::Scalar)
        return YamlScalar{};
    return resolvePlainYamlScalar(n.text);
}

std::optional<bool> YamlDoc::asBool(uint32_t i) const {
    if (!isScalar(i))
        return std::nullopt;
    const YamlScalar s = scalar(i);
    if (s.kind != YamlScalarKind::Bool)
        return std::nullopt;
    return s.boolean;
}

std::optional<int64_t> YamlDoc::asInt(uint32_t i) const {
    if (!isScalar(i))
        return std::nullopt;
    const YamlScalar s = scalar(i);
    if (s.kind != YamlScalarKind::Int)
        return std::nullopt;
    return s.integer;
}

std::optional<double> YamlDoc::asFloat(uint32_t i) const {
    if (!isScalar(i))
        return std::nullopt;
    const YamlScalar s = scalar(i);
    switch (s.kind) {
        case YamlScalarKind::Int:
            return static_cast<double>(s.integer);
        case YamlScalarKind::Uint:
            return static_cast<double>(s.uinteger);
        case YamlScalarKind::Float:
            return s.number;
        default:
            return std::nullopt;
    }
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

namespace {

// YAML is UTF-8 here (yaml-cpp would pass other bytes through into names and configs).
std::optional<YamlParseError> invalidUtf8(std::string_view text) {
    const size_t at = firstInvalidUtf8(text);
    if (at == std::string_view::npos)
        return std::nullopt;
    const std::string_view before = text.substr(0, at);
    const size_t line_start = before.rfind('\n');
    const int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const size_t col = line_start == std::string_view::npos ? at : at - line_start - 1;
    return YamlParseError{
        line, static_cast<int>(col) + 1,
        fmt::format("invalid UTF-8 (byte 0x{:02x})", static_cast<unsigned char>(text[at]))};
}

}  // namespace

YamlFile parseYaml(std::string_view text) {
    YamlFile out;
    if (auto bad = invalidUtf8(text)) {
        out.error = std::move(bad);
        return out;
    }
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
    } catch (const YAML::DeepRecursion& e) {
        out.error = YamlParseError{e.mark.line + 1, e.mark.column + 1,
                                   fmt::format("nested deeper than {} levels", e.depth())};
    } catch (const YAML::Exception& e) {
        out.error = YamlParseError{e.mark.line + 1, e.mark.column + 1, e.msg};
    } catch (const std::exception& e) {
        out.error = YamlParseError{0, 0, e.what()};
    }
    return out;
}

}  // namespace vq::model
