#pragma once
// What a `vaquero server` with Etcd.HA answers on its User API (and its Gitter, for a git
// SoT) while it is not the leader: GET /live 200 (the process is alive), GET /ready 500
// (send no traffic here), anything else relayed whole to the leader's own listener of the
// same kind (operators' calls and git webhooks are the leader's to take), or 503 with
// Retry-After while nobody leads, naming the leader in X-Vaquero-Leader when its record
// names no such listener. The leader's own listeners replace it once it leads.

#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/server.h"
#include "server/config.h"
#include "server/leader_record.h"

namespace vq::server {

class StandbyApi {
public:
    // `leader` returns <Root>/leader's value now (empty: nobody leads); `listener` picks,
    // from the leader's record, the endpoint callers should use instead of this one.
    StandbyApi(const Endpoint& listen,
               std::function<std::string()> leader,
               std::function<std::optional<Endpoint>(const LeaderRecord&)> listener);
    Status start();
    void stop();
    uint16_t port() const;

private:
    std::unique_ptr<http::Server> server_;
};

}  // namespace vq::server
