#pragma once
// A compact, read-only YAML document tree built straight from yaml-cpp's event parser.
// It keeps what validation needs (line/column of every node, whether a scalar was quoted)
// and skips yaml-cpp's own node graph, which costs more than the parse itself.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/yaml_scalar.h"

namespace vq::model {

enum class YamlKind : uint8_t { Null, Scalar, Seq, Map };

struct YamlNode {
    YamlKind kind = YamlKind::Null;
    bool quoted = false;  // quoted or block scalar, or explicit !!str: always a string
    int line = 0;         // 1-based
    int col = 0;          // 1-based
    uint32_t first = 0;   // Seq: children; Map: key,value pairs (2*count entries) in kids
    uint32_t count = 0;   // Seq: elements; Map: pairs
    std::string text;     // Scalar only
};

class YamlDoc {
public:
    static constexpr uint32_t kNone = UINT32_MAX;

    uint32_t root() const { return root_; }
    const YamlNode& node(uint32_t i) const { return nodes_[i]; }
    size_t size() const { return nodes_.size(); }

    // Map helpers (i must be a Map): key node and value node of pair p.
    uint32_t mapKey(uint32_t i, uint32_t p) const { return kids_[nodes_[i].first + 2 * p]; }
    uint32_t mapValue(uint32_t i, uint32_t p) const { return kids_[nodes_[i].first + 2 * p + 1]; }
    uint32_t seqItem(uint32_t i, uint32_t k) const { return kids_[nodes_[i].first + k]; }
    // Value for `key` in map i, or kNone (first match).
    uint32_t find(uint32_t i, std::string_view key) const;

    bool isMap(uint32_t i) const { return i != kNone && nodes_[i].kind == YamlKind::Map; }
    bool isSeq(uint32_t i) const { return i != kNone && nodes_[i].kind == YamlKind::Seq; }
    bool isScalar(uint32_t i) const { return i != kNone && nodes_[i].kind == YamlKind::Scalar; }
    bool isNull(uint32_t i) const;  // explicit or implicit null

    // A plain scalar resolves as Go's yaml.v2 resolves it (base/yaml_scalar.h); a quoted one
    // is a string; a Null node is null. i must be a Null or Scalar node.
    YamlScalar scalar(uint32_t i) const;
    YamlScalarKind scalarType(uint32_t i) const { return scalar(i).kind; }
    std::optional<bool> asBool(uint32_t i) const;
    std::optional<int64_t> asInt(uint32_t i) const;
    std::optional<double> asFloat(uint32_t i) const;

    int line() const { return line_; }
    bool hasAliases() const { return has_aliases_; }

private:
    friend class YamlTreeBuilder;
    std::vector<YamlNode> nodes_;
    std::vector<uint32_t> kids_;
    uint32_t root_ = kNone;
    int line_ = 1;  // where the document starts
    bool has_aliases_ = false;
};

struct YamlParseError {
    int line = 0;
    int col = 0;
    std::string message;
};

struct YamlFile {
    std::vector<YamlDoc> docs;            // documents parsed before any error
    std::optional<YamlParseError> error;  // syntax error, if any
};

// Parses every document of a (possibly multi-document) YAML text. Never throws.
YamlFile parseYaml(std::string_view text);

}  // namespace vq::model
