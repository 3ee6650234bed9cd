#pragma once
// What a swarm prints: one JSON line per machine (its timeline and first error) and a
// summary of failures and of the time from first DISCOVER to checkpoint.
#include <ostream>
#include <string>
#include <vector>

#include "machine.h"
#include "timeline.h"

namespace vq::swarm {

struct MachineRun {
    MachineSpec spec;
    Timeline timeline;
};

void writeMachineLines(std::ostream& out, const std::vector<MachineRun>& runs);
// One "SWARM key=value ..." line (what scripts parse), per-firmware lines and the most
// common first errors.
void writeSummary(std::ostream& out,
                  const std::string& label,
                  const std::vector<MachineRun>& runs,
                  double wall_seconds);

// The q-quantile (0..1) of `values`, nearest rank; 0 when empty.
double quantile(std::vector<double> values, double q);

}  // namespace vq::swarm
