#pragma once
// The dashboard on the User API:
//   GET /ui/          the page and its scripts (built into the binary from ui/)
//   GET /ui/hosts     every host in one compact list for the host table: site, name,
//                     workflow, MACs, addresses, rollout phase, revision, stage, last event
//   GET /ui/events    Server-Sent Events: host boot events, state transitions, checkpoints
//                     (ChangeFeed messages); {"type":"reset"} when the reader fell behind

#include <functional>
#include <memory>
#include <vector>

#include "http/router.h"
#include "server/change_feed.h"
#include "server/sot_view.h"

namespace vq::server {

struct DashboardContext {
    std::vector<SotView> sots;   // the hosts of every SoT, in the order given
    ChangeFeed* feed = nullptr;  // must outlive the router's server
};

void addDashboardRoutes(http::Router& router, const DashboardContext& ctx);

// The body of GET /ui/hosts.
std::string dashboardHostsJson(const DashboardContext& ctx);

}  // namespace vq::server
