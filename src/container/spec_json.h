#pragma once
// Container specs as JSON: how the server hands a pipeline (validate, before_shutdown, a
// custom BMC's container) to the agent that runs it. Registry credentials are in it: the
// text travels only inside the TLS channel and is never logged.

#include <string>
#include <string_view>
#include <vector>

#include "container/spec.h"

#include "base/result.h"

namespace vq::container {

std::string specsToJson(const std::vector<ContainerSpec>& specs);
// Bounded and checked: what comes from the network may be anything.
Result<std::vector<ContainerSpec>> specsFromJson(std::string_view json);

}  // namespace vq::container
