#pragma once
// A host's power target as the SoT describes it: its powerInterface's BMC (driver, address,
// credentials, graceful-restart settings). Shared by the state engine and `vaquero power`.

#include "base/result.h"
#include "model/model.h"
#include "power/target.h"

namespace vq::server {

// Errors: failed_precondition when the host has no BMC Vaquero can drive.
Result<power::Target> powerTarget(const model::Host& host);

}  // namespace vq::server
