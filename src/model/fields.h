#pragma once
// Reads one YAML map against a schema: records known keys, reports unknown ones (with a
// "did you mean"), duplicate keys, wrong types and missing required fields.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/diagnostic.h"
#include "model/types.h"
#include "model/yaml_tree.h"

namespace vq::model {

// Where decoding happens: one document of one file.
struct DecodeCtx {
    const std::string& file;
    const YamlDoc& doc;
    Diagnostics& diags;

    void error(uint32_t node, const std::string& path, std::string message) const;
    void warning(uint32_t node, const std::string& path, std::string message) const;
};

std::string joinPath(const std::string& path, std::string_view key);
std::string indexPath(const std::string& path, size_t i);
const char* kindName(const YamlDoc& doc, uint32_t node);
// The closest of `candidates` to `word` when it is close enough to be a typo, else "".
std::string closestMatch(std::string_view word, std::span<const std::string_view> candidates);

class Fields {
public:
    static constexpr size_t kMaxFields = 24;

    // `what` names the object for the "expected a map" message ("host", "subnet").
    Fields(const DecodeCtx& ctx,
           uint32_t node,
           std::string path,
           const char* what,
           std::initializer_list<std::string_view> known);

    bool isMap() const { return is_map_; }
    uint32_t node() const { return node_; }
    const std::string& path() const { return path_; }
    std::string sub(std::string_view key) const { return joinPath(path_, key); }

    // Value node for key, or kNone when absent.
    uint32_t get(std::string_view key) const;
    bool has(std::string_view key) const { return get(key) != YamlDoc::kNone; }

    // Typed getters: on a wrong type they report and leave `out` untouched. A null value
    // counts as absent. Required fields report when absent. Return true when set.
    bool str(std::string_view key, std::string& out, bool required = false) const;
    bool integer(std::string_view key,
                 int& out,
                 bool required = false,
                 int min = 0,
                 int max = 1 << 30) const;
    bool boolean(std::string_view key, bool& out) const;
    // A count (`2`) or a share of something (`"25%"`, 0..100): rollout limits.
    bool countOrPercent(std::string_view key, CountOrPercent& out) const;
    bool strList(std::string_view key, std::vector<std::string>& out, bool required = false) const;
    bool strMap(std::string_view key, std::vector<std::pair<std::string, std::string>>& out) const;

    // Like strList, also recording where each element is written.
    bool strListLocs(std::string_view key,
                     std::vector<std::string>& out,
                     std::vector<Loc>& locs) const;

    // Where the value of key is written (the map itself when absent).
    Loc loc(std::string_view key) const;
    Loc here() const;

    void missing(std::string_view key) const;
    const DecodeCtx& ctx() const { return ctx_; }

private:
    const DecodeCtx& ctx_;
    uint32_t node_;
    std::string path_;
    bool is_map_ = false;
    // Copied: an initializer_list's array does not outlive the constructor call.
    std::array<std::string_view, kMaxFields> known_;
    size_t known_count_ = 0;
    std::array<uint32_t, kMaxFields> values_;
};

// Scalar text of a node if it is a scalar that may stand for a string (any plain or quoted
// scalar; Go's yaml.v2 accepts `port: 1053` into a string field).
bool scalarText(const DecodeCtx& ctx, uint32_t node, const std::string& path, std::string& out);

}  // namespace vq::model
