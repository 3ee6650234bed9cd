#pragma once
// The ServerAPI's routes (control/wire.h lists them): what `vaquero agent` asks its server,
// answered from the Server's control interfaces over HTTPS (https::TlsServer). Every call
// but login carries a session token; its site is the only one the call may see.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

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
// Only login, revisions (watch) and bundles: what a follower answers itself (`server` may
// be null; `revisions`, `bundles` and `agents` must be set).
void addServerApiReadRoutes(http::Router& router, const ServerApiContext& ctx);

}  // namespace vq::server
