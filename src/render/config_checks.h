#pragma once
// Structural checks of rendered unattended configs, for `validate`: what the original
// delegated to coreos-cloudinit's validator and its own kickstart parser. Ignition is
// checked by its translation (render/ignition.h).

#include <string_view>
#include <vector>

#include "render/ignition.h"

namespace vq::render {

// `#cloud-config` header on the first line, YAML that parses to a map, known top-level and
// `coreos:` keys (unknown ones are warnings), and the types cloud-init expects for them.
std::vector<ConfigIssue> checkCloudConfig(std::string_view rendered);

// Every line outside a section starts with a known kickstart command; %packages, %pre,
// %post, ... sections are closed by %end.
std::vector<ConfigIssue> checkKickstart(std::string_view rendered);

}  // namespace vq::render
