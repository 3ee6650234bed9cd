#pragma once
// The User API (config `UserApi`, default 127.0.0.1:24604, plain HTTP), as the original
// server had it, on its own listener so it can stay on loopback while boot endpoints face
// the provisioning network:
//   GET  /live                              200 while the process runs
//   GET  /ready                             200 once a model is loaded, 500 before
//   POST /override?site=&host=&boot=        sets the host's current boot (a boot of its
//                                           workflow); host = host name or one of its MACs
//   GET  /hosts                             every host: stored workflow progress and its
//                                           rollout phase, revision and since when (JSON)
//   GET  /hosts/<site>/<host>               the host's recent rollout transitions (JSON)
//   GET  /hosts/<site>/<host>/events        the host's recent boot events, oldest first
//   POST /reprovision?site=&host=           the host is out of date: the rollout takes it
//   POST /halt?site=&workflow=              the workflow starts no more hosts
//   POST /resume?site=&workflow=            ... until resumed
//   GET  /plan                              per workflow: halted or blocked, hosts per
//                                           phase, pending hosts in order (JSON)
//   GET  /metrics                           Prometheus text format
// A server of several SoTs answers a site's requests from the SoT that has the site; /hosts
// lists the hosts of all of them, /plan answers {"sots": [each SoT's plan, with "sot"]}.

#include <functional>
#include <memory>
#include <string>

#include "http/router.h"
#include "server/sot_view.h"

namespace vq::server {

struct UserApiContext {
    // The SoTs served; a view's null state: no rollout fields, and its routes answer 503.
    std::vector<SotView> sots;
    std::function<std::string()> metrics;  // GET /metrics (Prometheus text); unset: 404
};

// The original's exact answers.
inline constexpr const char* kOverrideOk = "Host current boot reset correctly";
inline constexpr const char* kOverrideMissing = "One or more required parameters missing";

void addUserApiRoutes(http::Router& router, const UserApiContext& ctx);

}  // namespace vq::server
