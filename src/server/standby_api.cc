#include "server/standby_api.h"

#include "http/router.h"

namespace vq::server {
namespace {

// Whatever the leader's listener takes: operators' writes and webhooks are not GETs.
const http::Methods kEveryMethod{http::Method::get,    http::Method::head,  http::Method::post,
                                 http::Method::put,    http::Method::patch, http::Method::delete_,
                                 http::Method::options};

}  // namespace

StandbyApi::StandbyApi(const Endpoint& listen,
                       std::function<std::string()> leader,
                       std::function<std::optional<Endpoint>(const LeaderRecord&)> listener) {
    http::Router router;
    router.exact("/live", [](const http::Request&) {
        return http::Response::text(200, "live\n", "text/plain; charset=utf-8");
    });
    // "<id> at http://host:port", or "none", and the address alone for the header.
    auto describe = [leader, listener](std::string& address) {
        const std::string value = leader();
        if (value.empty())
            return std::string("none");
        const LeaderRecord record = parseLeaderRecord(value);
        if (auto e = listener(record)) {
            address = "http://" + toString(*e);
            return record.id + " at " + address;
        }
        return record.id;
    };
    router.exact("/ready", [describe](const http::Request&) {
        std::string address;
        return http::Response::text(
            500, "not ready: standing by, the leader is " + describe(address) + "\n",
            "text/plain; charset=utf-8");
    });
    // Anything else is the leader's to answer: relayed to its listener as it is (method,
    // body, headers), the leader's answer relayed back; 502 when it does not answer, 503
    // naming it while nobody leads or its address is not known.
    router.prefix(
        "/",
        [leader, listener, describe](const http::Request& req) {
            const std::string value = leader();
            if (!value.empty()) {
                if (auto e = listener(parseLeaderRecord(value))) {
                    http::Response r;
                    r.proxy = std::make_shared<http::ProxyTarget>(http::ProxyTarget{
                        e->addr, static_cast<uint16_t>(e->port), req.target, true});
                    return r;
                }
            }
            std::string address;
            const std::string who = describe(address);
            http::Response r = http::Response::text(
                503, "standing by: ask the leader (" + (who == "none" ? "none yet" : who) + ")\n",
                "text/plain; charset=utf-8");
            r.header("Retry-After", "1");
            if (!address.empty())
                r.header("X-Vaquero-Leader", address);
            return r;
        },
        kEveryMethod);
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
