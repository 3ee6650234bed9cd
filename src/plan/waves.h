#pragma once
// Rollout waves from workflow deps: inside a workflow, hosts go in inventory order, at most
// max_concurrent per wave (0 = no limit); a workflow with block_deps starts only after the
// last wave of every workflow it names that has hosts to provision (a named workflow with
// nothing to do is standing already and blocks nothing). Independent workflows share waves.

#include <map>
#include <string>
#include <vector>

namespace vq::plan {

struct RolloutRule {
    int max_concurrent = 0;  // 0 = no limit
    std::vector<std::string> block_deps;
};

struct WaveHost {
    std::string workflow;  // key into the rules; unknown keys have no limit and no deps
};

struct WaveAssignment {
    std::vector<int> wave;  // per host, 1-based, parallel to the input
    // Per workflow: the workflows with hosts to provision that it waits for.
    std::map<std::string, std::vector<std::string>> blocked_by;
    std::vector<std::string> errors;  // block_deps cycles
    int waves = 0;
};

// hosts are in inventory order.
WaveAssignment assignWaves(const std::vector<WaveHost>& hosts,
                           const std::map<std::string, RolloutRule>& rules);

}  // namespace vq::plan
