#pragma once
// What the User API and the dashboard read of one SoT a server serves: its configuration,
// model, host state and boot events. A server of several SoTs answers from several views;
// a request about a site goes to the view whose model has it (site IDs are unique across a
// server's SoTs: control_plane.h refuses a SoT that names another's site).

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "server/config.h"
#include "server/host_event_log.h"
#include "server/state_engine.h"
#include "workflow/engine.h"

namespace vq::server {

class GitSotSource;

struct SotView {
    const SotSourceConfig* sot = nullptr;  // GET /sot; null: not described
    const GitSotSource* git = nullptr;     // a git SoT's source, null for a local one
    std::function<std::shared_ptr<const model::Model>()> model;  // null result: not loaded
    workflow::WorkflowEngine* engine = nullptr;
    StateEngine* state = nullptr;
    const HostEventLog* host_events = nullptr;
};

// The view whose model has `site`; the first when none has it (its answer then says the site
// is unknown, as a server of one SoT does); null when there is none.
const SotView* viewOfSite(const std::vector<SotView>& views, std::string_view site);

}  // namespace vq::server
