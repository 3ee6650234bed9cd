#pragma once
// Decoders from one YAML document (or a node of it) to typed SoT objects. They report
// everything a single document can show (types, unknown and missing fields, malformed
// addresses, unknown enum values); cross-document checks live in validate.h.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/fields.h"
#include "model/types.h"

namespace vq::model {

// sites/<site>/env.yml. Fills everything but hosts and dir.
Site decodeEnv(const DecodeCtx& ctx, uint32_t root);

// One v0.14 host document (or a host inside a cluster file).
std::optional<Host> decodeHost(const DecodeCtx& ctx, uint32_t node, const std::string& path);

// The seed documents' inventory group: {boot: <id>, hosts: [{name, selectors, metadata}]}.
void decodeSeedGroup(const DecodeCtx& ctx, uint32_t root, std::vector<Host>& out);

// Advanced-SoT `config:` block.
SotConfig decodeSotConfig(const DecodeCtx& ctx, uint32_t node, const std::string& path);

Os decodeOs(const DecodeCtx& ctx, uint32_t root);
Boot decodeBoot(const DecodeCtx& ctx, uint32_t root);
Workflow decodeWorkflow(const DecodeCtx& ctx, uint32_t root);
Container decodeContainer(const DecodeCtx& ctx, uint32_t node, const std::string& path);

inline Loc locOf(const YamlDoc& doc, uint32_t node) {
    if (node == YamlDoc::kNone)
        return Loc{doc.line(), 1};
    return Loc{doc.node(node).line, doc.node(node).col};
}

}  // namespace vq::model
