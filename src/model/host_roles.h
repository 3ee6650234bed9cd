#pragma once
// Which of a host's parts play which role, decided once for every module that asks (the
// renderer, the plan, the state engine, `vaquero power`), so they never disagree:
//   stageBoots      the boots it walks through, in order
//   bootInterface   the interface it netboots from (the original's "primary interface")
//   powerInterface  the interface whose `bmc:` block Vaquero can drive

#include <string_view>
#include <vector>

#include "model/model.h"

namespace vq::model {

// A seed-era host's group boot, else its workflow's stages; empty when it has neither.
std::vector<std::string_view> stageBoots(const Model& model, const Host& host);

// The first non-BMC interface with a MAC, else the first interface with a MAC; null when no
// interface has one (a seed-era host found by selectors).
const Interface* bootInterface(const Host& host);

// The interface whose BMC can be driven: ipmi or ssh with an address (ipv4 or hostname),
// custom with a container image; `type: bmc` interfaces before physical ones. Null when none.
const Interface* powerInterface(const Host& host);

}  // namespace vq::model
