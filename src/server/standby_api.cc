#include "server/standby_api.h"

#include "http/router.h"

namespace vq::server {

StandbyApi::StandbyApi(const Endpoint& listen, std::function<std::string()> leader) {
    http::Router router;
    router.exact("/live", [](const http::Request&) {
        return http::Response::text(200, "live\n", "text/plain; charset=utf-8");
    });
    auto not_leader = [leader](const http::Request&) {
        const std::string who = leader();
        return http::Response::text(
            500, "not ready: standing by, the leader is " + (who.empty() ? "none" : who) + "\n",
            "text/plain; charset=utf-8");
    };
    router.exact("/ready", not_leader);
    router.prefix("/", [leader](const http::Request&) {
        const std::string who = leader();
        return http::Response::text(
            503, "standing by: ask the leader (" + (who.empty() ? "none yet" : who) + ")\n",
            "text/plain; charset=utf-8");
    });
    http::ServerOptions opts;
    opts.address = listen.addr;
    opts.port = static_cast<uint16_t>(listen.port);
    opts.threads = 1;
    server_ = std::make_unique<http::Server>(opts, std::move(router));
}

Status StandbyApi::start() {
    return server_->start();
}

void StandbyApi::stop() {
    server_->stop();
}

uint16_t StandbyApi::port() const {
    return server_->port();
}

}  // namespace vq::server
