#pragma once
// Every SoT object keeps its document as templates see it: a tmpl::Value built from the
// YAML map with keys as written, scalars typed as Go's yaml.v2 resolves them.

#include <cstdint>
#include <vector>

#include "model/yaml_tree.h"
#include "tmpl/value.h"

namespace vq::model {

using Raw = tmpl::Value;

// Converts nodes of one document; shared (aliased) nodes are converted once.
class RawBuilder {
public:
    explicit RawBuilder(const YamlDoc& doc) : doc_(doc) {}
    Raw build(uint32_t node);

private:
    Raw convert(uint32_t node);
    const YamlDoc& doc_;
    std::vector<Raw> memo_;
    std::vector<bool> done_;
};

}  // namespace vq::model
