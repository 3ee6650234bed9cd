#pragma once
// The dashboard on the User API:
//   GET /ui/          the page and its scripts (built into the binary from ui/)
//   GET /ui/hosts     every host in one compact list for the host table: site, name,
//                     workflow, MACs, addresses, rollout phase, revision, stage, last event
//   GET /ui/events    Server-Sent Events: host boot events, state transitions, checkpoints
//                     (ChangeFeed messages); {"type":"reset"} when the reader fell behind

#include <functional>
#include <memory>

#include "http/router.h"
#include "model/model.h"
#include "server/change_feed.h"
#include "server/host_event_log.h"
#include "server/state_engine.h"
#include "workflow/engine.h"

namespace vq::server {

struct DashboardContext {
    std::function<std::shared_ptr<const model::Model>()> model;
    workflow::WorkflowEngine* engine = nullptr;
    StateEngine* state = nullptr;
    const HostEventLog* host_events = nullptr;
    ChangeFeed* feed = nullptr;  // must outlive the router's server
};

void addDashboardRoutes(http::Router& router, const DashboardContext& ctx);

// The body of GET /ui/hosts.
std::string dashboardHostsJson(const DashboardContext& ctx);

}  // namespace vq::server
