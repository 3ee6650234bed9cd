#pragma once
// Why a host's artifacts differ between two revisions, stage by stage, with masked diffs.
// Identical bytes give no reason at all: that is how a change that alters no served byte
// reprovisions nothing.

#include <string_view>
#include <vector>

#include "plan/artifacts.h"
#include "plan/line_diff.h"
#include "plan/plan.h"
#include "plan/secret_mask.h"

namespace vq::plan {

struct Comparison {
    std::vector<Reason> reasons;
    bool error = false;  // the new artifacts failed to render
};

// `name` (site/host) labels the diffs; old_stages empty = the host is new.
Comparison compareArtifacts(const HostArtifacts& old_stages,
                            const HostArtifacts& new_stages,
                            const SecretMask& mask,
                            std::string_view name,
                            const DiffOptions& options);

}  // namespace vq::plan
