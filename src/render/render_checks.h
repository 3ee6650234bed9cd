#pragma once
// Render-time validation, the part of `validate` that needs the template engine: every
// template of every host is rendered (for every boot of its workflow) with missing keys as
// errors, and the rendered Ignition, cloud-config and kickstart are checked for structure.
// Also warns when two seed-era hosts of a site have the same selectors (the tie is resolved
// deterministically, but the second host can never be selected).

#include <memory>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"

namespace vq::render {

struct RenderCheckOptions {
    // The same problem found for many hosts is reported once, with a count.
    bool collapse_repeats = true;
};

// Diagnostics with SoT-relative file names (the template's file). Call only on a model
// without load errors.
std::vector<model::Diagnostic> renderChecks(const std::shared_ptr<const model::Model>& model,
                                            const RenderCheckOptions& options = {});

}  // namespace vq::render
