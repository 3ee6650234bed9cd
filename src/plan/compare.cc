#include "plan/compare.h"

#include <algorithm>

#include <fmt/format.h>

namespace vq::plan {
namespace {

struct Ctx {
    const SecretMask& mask;
    std::string_view name;
    const DiffOptions& options;
    Comparison& out;
};

void compareOne(Ctx& c,
                const std::string& stage_label,
                std::string_view file_label,
                const char* what,
                const Artifact* before,
                const Artifact& after) {
    if (!after.error.empty()) {
        c.out.error = true;
        c.out.reasons.push_back({fmt::format("{}: cannot render the {}: {}", stage_label, what,
                                             c.mask.apply(after.error)),
                                 {}});
        return;
    }
    if (before == nullptr || *before == after)
        return;
    const std::string old_text = before->bytes ? *before->bytes : std::string();
    const std::string new_text = after.bytes ? *after.bytes : std::string();
    std::string text;
    if (!before->error.empty())
        text = fmt::format("{}: {} renders again (it failed before)", stage_label, what);
    else if (!before->bytes && after.bytes)
        text = fmt::format("{}: {} now served", stage_label, what);
    else if (before->bytes && !after.bytes)
        text = fmt::format("{}: {} no longer served", stage_label, what);
    else
        text = fmt::format("{}: {} changed", stage_label, what);
    std::string diff = unifiedDiff(c.mask.apply(old_text), c.mask.apply(new_text),
                                   fmt::format("a/{}/{}", c.name, file_label),
                                   fmt::format("b/{}/{}", c.name, file_label), c.options);
    if (diff.empty() && old_text != new_text)
        diff = "(only masked secret values differ)\n";
    c.out.reasons.push_back({std::move(text), std::move(diff)});
}

}  // namespace

Comparison compareArtifacts(const HostArtifacts& old_stages,
                            const HostArtifacts& new_stages,
                            const SecretMask& mask,
                            std::string_view name,
                            const DiffOptions& options) {
    Comparison out;
    Ctx c{mask, name, options, out};
    const bool is_new = old_stages.stages.empty();
    const size_t n = std::max(old_stages.stages.size(), new_stages.stages.size());
    for (size_t i = 0; i < n; ++i) {
        const StageArtifacts* before =
            i < old_stages.stages.size() ? &old_stages.stages[i] : nullptr;
        const StageArtifacts* after =
            i < new_stages.stages.size() ? &new_stages.stages[i] : nullptr;
        if (after == nullptr) {
            out.reasons.push_back(
                {fmt::format("stage {} (boot {}): stage removed", i + 1, before->boot), {}});
            continue;
        }
        const bool renamed = before != nullptr && before->boot != after->boot;
        const std::string label = renamed ? fmt::format("stage {} (boot {}, was boot {})", i + 1,
                                                        after->boot, before->boot)
                                          : fmt::format("stage {} (boot {})", i + 1, after->boot);
        if (before == nullptr && !is_new)
            out.reasons.push_back({label + ": new stage", {}});
        const std::string file = fmt::format("stage{}-{}", i + 1, after->boot);
        compareOne(c, label, file + ".ipxe", "iPXE script", before ? &before->ipxe : nullptr,
                   after->ipxe);
        compareOne(c, label, file + ".config", "config", before ? &before->config : nullptr,
                   after->config);
        if (before != nullptr && before->containers != after->containers) {
            out.reasons.push_back(
                {label + ": containers changed",
                 unifiedDiff(mask.apply(before->containers), mask.apply(after->containers),
                             fmt::format("a/{}/{}.containers", name, file),
                             fmt::format("b/{}/{}.containers", name, file), options)});
            if (out.reasons.back().diff.empty())
                out.reasons.back().diff = "(only masked secret values differ)\n";
        }
    }
    return out;
}

}  // namespace vq::plan
