#pragma once
// GET /sot on the User API: which SoT the server serves and, for a git SoT, the commit
// served and the last load attempt (start-up or webhook) with its outcome, the SoT's errors
// as file:line:col lines when it was refused, and how each site's release_tag resolved.
// Operators read it after a push the Gitter refused. The hook's token and secret are never
// shown, nor credentials in its URL. A server of several SoTs answers {"sots": [each one]}.

#include <vector>

#include "http/router.h"
#include "server/sot_view.h"

namespace vq::server {

// Each view's `sot` and `git` (null for a local SoT) must outlive the router.
void addSotStatusRoute(http::Router& router, const std::vector<SotView>& sots);

}  // namespace vq::server
