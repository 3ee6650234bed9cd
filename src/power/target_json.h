#pragma once
// A Target as JSON: how the server hands a power action to the agent that runs it. The
// password is in it (the agent needs it to reach the BMC): the text travels only inside
// the TLS channel and is never logged.

#include <string>
#include <string_view>

#include "base/result.h"
#include "power/target.h"

namespace vq::power {

std::string targetToJson(const Target& t);
// Bounded and checked: what comes from the network may be anything.
Result<Target> targetFromJson(std::string_view json);

}  // namespace vq::power
