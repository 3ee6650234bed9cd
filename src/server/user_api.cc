#include "server/user_api.h"

#include <chrono>

#include "base/log.h"

namespace vq::server {
namespace {

http::Response plain(unsigned status, std::string text) {
    http::Response r = http::Response::text(status, text + "\n");
    if (status != 200)
        r.log_reason = std::move(text);
    return r;
}

}  // namespace

void addUserApiRoutes(http::Router& router, const UserApiContext& ctx) {
    router.exact("/live", [](const http::Request&) { return plain(200, "live"); });
    auto model = ctx.model;
    router.exact("/ready", [model](const http::Request&) {
        return model && model() ? plain(200, "ready") : plain(500, "not ready: no model loaded");
    });

    workflow::WorkflowEngine* engine = ctx.engine;
    router.exact(
        "/override",
        [model, engine](const http::Request& req) {
            const std::string site = req.query.value("site");
            const std::string host = req.query.value("host");
            const std::string boot = req.query.value("boot");
            if (site.empty() || host.empty() || boot.empty())
                return plain(400, kOverrideMissing);
            auto m = model ? model() : nullptr;
            if (!m || engine == nullptr)
                return plain(503, "no model loaded");
            auto t = engine->override(site, host, boot, *m, std::chrono::system_clock::now());
            if (!t)
                return plain(http::httpStatusFor(t.code()), t.message());
            VQ_LOG_INFO("HOST_OVERRIDE site={} host={} boot={} from_boot={}", t->progress.site,
                        t->progress.host, t->progress.boot, t->from_boot);
            return plain(200, kOverrideOk);
        },
        http::Methods{http::Method::post});

    router.exact("/hosts", [engine](const http::Request&) {
        std::string body = "{\"hosts\":[";
        if (engine != nullptr) {
            bool first = true;
            for (const auto& p : engine->all()) {
                if (!first)
                    body += ',';
                first = false;
                body += workflow::toJson(p);
            }
        }
        body += "]}";
        return http::Response::json(200, std::move(body));
    });
}

}  // namespace vq::server
