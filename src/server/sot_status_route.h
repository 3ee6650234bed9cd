#pragma once
// GET /sot on the User API: which SoT the server serves and, for a git SoT, the commit
// served and the last load attempt (start-up or webhook) with its outcome, the SoT's errors
// as file:line:col lines when it was refused, and how each site's release_tag resolved.
// Operators read it after a push the Gitter refused. The hook's token and secret are never
// shown, nor credentials in its URL.

#include <string>

#include "http/router.h"
#include "server/config.h"

namespace vq::server {

class GitSotSource;

// `git` is null for a local SoT; both must outlive the router.
void addSotStatusRoute(http::Router& router, const SotSourceConfig& sot, const GitSotSource* git);

}  // namespace vq::server
