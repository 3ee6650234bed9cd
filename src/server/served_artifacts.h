#pragma once
// What a host is served, per stage of its workflow: the rendered iPXE script and unattended
// config, byte for byte as `vaquero preview` prints them, and the boot's containers (fixed agent
// URL and platform, so two revisions compare on what the SoT changed, not on who asks). A host is
// out of date when any of these or its list of boots differ between two revisions.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/model.h"

namespace vq::server {

inline constexpr const char* kCompareAgentUrl = "http://agent";
inline constexpr const char* kComparePlatform = "pcbios";

struct ServedArtifacts {
    std::string workflow;
    std::vector<std::string> boots;    // stage boots, in order
    std::vector<std::string> scripts;  // per stage: status line + body (errors compare too)
    std::vector<std::string> configs;
    std::vector<std::string> containers;  // per stage: its boot's validate / before_shutdown
};

// "site/host": the key of a host in the rollout and the API.
std::string hostKey(const model::Site& site, const model::Host& host);

// Every host of every site; hosts without a MAC are compared on their boots alone.
std::map<std::string, ServedArtifacts> servedArtifacts(
    const std::shared_ptr<const model::Model>& model);

// Why a host's artifacts changed, for the log and its timeline; "" when they did not.
std::string whatChanged(const ServedArtifacts& before, const ServedArtifacts& after);

}  // namespace vq::server
