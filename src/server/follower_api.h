#pragma once
// The ServerAPI of a `vaquero server` with Etcd.HA that does not lead: agents may talk to
// any server (directly, or through a TCP load balancer in front of all of them), and a
// follower forwards each of their calls to the leader over TLS with the agent's own session
// token, as follower_routes.h decides, then relays the leader's answer. When it cannot (no
// leader yet, the leader gone mid-call) it answers 503 with Retry-After and, when known, the
// leader's ServerAPI in X-Vaquero-Leader: the agent keeps what it sent and tries again.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "https/tls_context.h"
#include "https/tls_server.h"

#include "base/result.h"
#include "http/router.h"
#include "server/config.h"
#include "server/follower_routes.h"

namespace vq::server {

struct FollowerApiOptions {
    Endpoint listen;  // ServerAPI
    std::string certificate;
    std::string private_key;
    https::ClientTrust leader_trust;  // verifies the leader's certificate
    std::string self_id;              // this server's id in <Root>/leader
    // <Root>/leader's value now (empty: nobody leads).
    std::function<Result<std::string>()> leader;
    std::chrono::milliseconds watch_timeout{25'000};
    // Adds the routes answered here (server_api.h addServerApiReadRoutes) for the calls
    // follower_routes.h marks answered_here; unset: those are forwarded too.
    std::function<void(http::Router&)> read_routes;
};

class FollowerApi {
public:
    // A certificate or key that cannot be used is an error here, before anything listens.
    static Result<std::unique_ptr<FollowerApi>> create(FollowerApiOptions options);
    ~FollowerApi();
    FollowerApi(const FollowerApi&) = delete;
    FollowerApi& operator=(const FollowerApi&) = delete;

    Status start();
    void stop();
    uint16_t port() const;

private:
    // What the handlers use; shared with them, as a handler may still be waiting for the
    // leader when the listener has stopped.
    class Forwarder;
    FollowerApi() = default;
    std::shared_ptr<Forwarder> forwarder_;
    std::unique_ptr<https::TlsServer> server_;
};

}  // namespace vq::server
