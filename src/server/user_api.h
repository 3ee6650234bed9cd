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
//   POST /reprovision?site=&host=           the host is out of date: the rollout takes it
//   POST /halt?site=&workflow=              the workflow starts no more hosts
//   POST /resume?site=&workflow=            ... until resumed
//   GET  /plan                              per workflow: halted or blocked, hosts per
//                                           phase, pending hosts in order (JSON)
//   GET  /metrics                           Prometheus text format

#include <functional>
#include <memory>
#include <string>

#include "http/router.h"
#include "model/model.h"
#include "server/state_engine.h"
#include "workflow/engine.h"

namespace vq::server {

struct UserApiContext {
    std::function<std::shared_ptr<const model::Model>()> model;  // null result = not ready
    workflow::WorkflowEngine* engine = nullptr;
    StateEngine* state = nullptr;          // null: no rollout fields nor routes answer 503
    std::function<std::string()> metrics;  // GET /metrics (Prometheus text); unset: 404
};

// The original's exact answers.
inline constexpr const char* kOverrideOk = "Host current boot reset correctly";
inline constexpr const char* kOverrideMissing = "One or more required parameters missing";

void addUserApiRoutes(http::Router& router, const UserApiContext& ctx);

}  // namespace vq::server
