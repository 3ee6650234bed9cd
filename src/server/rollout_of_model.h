#pragma once
// The rollout's view of a model (workflow::Rollout knows hosts and rules, not models): one
// RolloutHost per host, one WorkflowRules per site and workflow (its deps and the site's
// policy), and the keys both are known by.

#include <string>
#include <vector>

#include "model/model.h"
#include "workflow/rollout.h"

namespace vq::server {

// "site/host": the key of a host in the rollout and the API.
std::string hostKey(const model::Site& site, const model::Host& host);
// "site/workflow": the id of a site's workflow in the rollout.
std::string flowId(const std::string& site, const std::string& workflow);
// The boot a provisioned host sits on: the last of its stages (null when it has none).
const model::Boot* lastBoot(const model::Model& model, const model::Host& host);

std::vector<workflow::RolloutHost> rolloutHosts(const model::Model& model);
std::vector<workflow::WorkflowRules> rolloutRules(const model::Model& model);
workflow::RolloutHost rolloutHost(const model::Model& model,
                                  const model::Site& site,
                                  const model::Host& host);
// Whether the settings the definitions give a host (stage count, before_shutdown and
// validate containers) differ between two models that share its site.
bool rolloutSettingsMoved(const model::Model& before,
                          const model::Model& now,
                          const model::Site& site,
                          const model::Host& host);

}  // namespace vq::server
