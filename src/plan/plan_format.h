#pragma once
// A plan for people (text, grouped by site and wave) and for programs (JSON, the same
// content).

#include <string>

#include "plan/plan.h"

namespace vq::plan {

std::string planText(const Plan& plan);

// {"changes": bool, "summary": {...}, "sites": [{"site", "waves", "hosts": [{"host",
//  "workflow", "action", "start", "power", "wave", "blocked_by", "error",
//  "reasons": [{"text", "diff"}]}]}], "errors": [...]}
std::string planJson(const Plan& plan);

}  // namespace vq::plan
