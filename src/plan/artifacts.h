#pragma once
// A host's desired artifacts: for each stage of its workflow (a seed-era group boot is a
// one-stage workflow), the exact bytes it would be served (the iPXE script and the
// unattended config, rendered by render::BootRenderer as `vaquero preview` prints them) and
// the boot's validate / before_shutdown containers. The iPXE script is asked for by the MAC
// the host netboots with, the config by that MAC too, or, for a seed-era host, by its
// selectors (the typed endpoint it fetches). agentURL is a fixed placeholder: the
// real one is the address a host reaches its agent on, the same in both revisions.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"
#include "render/boot_renderer.h"

namespace vq::plan {

inline constexpr std::string_view kPlanAgentUrl = "http://vaquero-agent:24602";

// One served document, or why there is none.
struct Artifact {
    std::optional<std::string> bytes;  // absent: not served (no unattended config, no MAC)
    std::string error;                 // set when rendering failed

    bool operator==(const Artifact&) const = default;
};

struct StageArtifacts {
    std::string boot;
    Artifact ipxe;
    Artifact config;
    std::string containers;  // canonical text of validate + before_shutdown; empty = none

    // Stable over builds: usable as a stored summary of what a stage serves.
    uint64_t hash() const;
};

struct HostArtifacts {
    std::vector<StageArtifacts> stages;
    bool renderFailed() const;
};

// The MAC a host netboots with: its boot interface's (model::bootInterface), else a seed-era
// `mac` selector; empty when it has none.
std::string bootMac(const model::Host& host);

// Canonical text of a boot's containers; secret values appear as written (callers mask).
std::string containersText(const model::Boot& boot);

class ArtifactRenderer {
public:
    explicit ArtifactRenderer(std::shared_ptr<const model::Model> model);

    HostArtifacts render(const model::Site& site, const model::Host& host) const;

private:
    Artifact fromOutcome(const render::Outcome& out, const model::Host& host) const;
    std::shared_ptr<const render::CompiledModel> compiled_;
};

}  // namespace vq::plan
