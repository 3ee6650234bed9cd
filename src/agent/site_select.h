#pragma once
// Which site and agent of the SoT this process is: --site-id/--agent-id (or VAQUERO_SITE_ID /
// VAQUERO_AGENT_ID), defaulting to the only one there is. The agent's settings come from
// its env.yml agents[] entry, or from the seed-era `agent:` block.

#include <string>

#include "base/result.h"
#include "model/model.h"

namespace vq::agent {

struct Selection {
    std::string site_id;
    model::Agent agent;  // a copy: settings stay fixed while the process runs
};

Result<Selection> selectSiteAgent(const model::Model& model,
                                  const std::string& site_id,
                                  const std::string& agent_id);

}  // namespace vq::agent
