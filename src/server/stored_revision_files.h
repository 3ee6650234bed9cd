#pragma once
// A stored revision with its SoT files (its bundle unpacked): what a revision no longer in
// memory is loaded from, or packed from for agents.

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "model/load.h"
#include "workflow/rollout_store.h"

namespace vq::server {

struct StoredSot {
    workflow::StoredRevision revision;  // its bundle left empty: unpacked into `files`
    std::vector<model::SotFile> files;
};

// not_found when the store does not hold the revision.
Result<StoredSot> storedRevisionFiles(workflow::RolloutStore& store, uint64_t number);

}  // namespace vq::server
