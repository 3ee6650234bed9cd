#pragma once
// The ServerAPI's routes (control/wire.h lists them): what `vaquero agent` asks its server,
// answered from the Server's control interfaces over HTTPS (https::TlsServer). Every call
// but login carries a session token; its site is the only one the call may see.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "http/router.h"
#include "server/agent_registry.h"
#include "server/bundle_store.h"
#include "server/server.h"

namespace vq::server {

struct ServerApiContext {
    Server* server = nullptr;
    // The revisions login checks a site against; null: server's. A follower (Etcd.HA) has
    // no Server: its own, read from the store (follower_revisions.h).
    control::RevisionFeed* revisions = nullptr;
    BundleStore* bundles = nullptr;
    AgentRegistry* agents = nullptr;
    std::string shared_secret;  // agents prove it to log in
    std::string server_secret;  // signs session tokens
    std::chrono::milliseconds watch_timeout{25'000};
    std::function<int64_t()> now;  // seconds since the epoch; null: the system clock
};

void addServerApiRoutes(http::Router& router, const ServerApiContext& ctx);
// A server of several SoTs: one context each (its server or revisions, its bundles; the
// secrets and the agent registry alike in all). A call goes to the SoT whose newest revision
// has its token's site, so an agent reads nothing of a SoT its site is not in.
void addServerApiRoutes(http::Router& router, const std::vector<ServerApiContext>& sots);
void addServerApiReadRoutes(http::Router& router, const std::vector<ServerApiContext>& sots);
// Only login, revisions (watch) and bundles: what a follower answers itself (`server` may
// be null; `revisions`, `bundles` and `agents` must be set).
void addServerApiReadRoutes(http::Router& router, const ServerApiContext& ctx);

}  // namespace vq::server
