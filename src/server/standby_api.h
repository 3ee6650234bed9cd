#pragma once
// What a `vaquero server` with Etcd.HA answers on its User API while it is not the leader:
// GET /live 200 (the process is alive), GET /ready 500 (send no traffic here), anything
// else 503 naming the leader. The leader's own User API replaces it once it leads.

#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/server.h"
#include "server/config.h"

namespace vq::server {

class StandbyApi {
public:
    // `leader` says who leads now (empty: nobody), for the answers.
    StandbyApi(const Endpoint& listen, std::function<std::string()> leader);
    Status start();
    void stop();
    uint16_t port() const;

private:
    std::unique_ptr<http::Server> server_;
};

}  // namespace vq::server
