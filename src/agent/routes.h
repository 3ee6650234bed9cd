#pragma once
// The agent's HTTP endpoints. Everything a boot endpoint needs is in RouteContext; modules
// below the agent (render, ipxe) register their routes on the same Router from a function
// that takes a Router& and a model getter, called from addAgentRoutes().

#include <functional>
#include <memory>
#include <string>

#include "control/links.h"

#include "agent/timeline.h"
#include "http/router.h"
#include "http/server.h"
#include "model/model.h"

namespace vq::agent {

struct RouteContext {
    std::function<std::shared_ptr<const model::Model>()> model;  // current snapshot
    std::string site_id;
    model::Agent agent;  // asset_server (addr fallback for agentURL, base_dir, cdn_*), ...
    Timeline* timeline = nullptr;
    // When set, hosts are served the boot the server's manifest says and checkpoints are
    // reported to it (which moves them on); otherwise every host boots its first stage and a
    // checkpoint is only answered.
    control::StateManifest* manifest = nullptr;
    control::EventReport* report = nullptr;
    // With a manifest: where a host pinned to an older revision than `model`'s is rendered
    // from (null, or an unknown revision: the current snapshot).
    control::RevisionFeed* revisions = nullptr;
};

// /files/ (local files or CDN proxy), /events, /events/<mac>.
void addAgentRoutes(http::Router& router, const RouteContext& ctx);

// GET /events and /events/<mac> on their own (tests, other composition roots).
void addEventRoutes(http::Router& router, Timeline& timeline);

// Turns every answered request into a host event: source "http", kind from the endpoint
// (HTTP_IPXE, HTTP_BOOT_IPXE, HTTP_CONFIG, HTTP_FILE, HTTP_CHECKPOINT, HTTP_REQUEST), the MAC
// from ?mac= or the /config/<mac> and /checkpoint/<mac> paths, the peer's IP.
http::Observer makeEventObserver(EventSink& sink);

}  // namespace vq::agent
