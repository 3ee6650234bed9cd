#include "server/user_api_listener.h"

#include <iostream>

#include "base/log.h"
#include "http/server.h"
#include "server/dashboard_api.h"
#include "server/sot_status_route.h"
#include "server/user_api.h"
#include "server/user_api_auth.h"

namespace vq::server {

std::unique_ptr<http::Server> startUserApi(const Config& config, UserApiListenerOptions options) {
    http::Router router;
    UserApiContext ctx;
    ctx.sots = options.sots;
    ctx.metrics = std::move(options.metrics);
    addUserApiRoutes(router, ctx);
    addSotStatusRoute(router, options.sots);
    if (options.more_routes)
        options.more_routes(router);
    DashboardContext dashboard;
    dashboard.sots = options.sots;
    dashboard.feed = options.feed;
    addDashboardRoutes(router, dashboard);
    auto auth = std::make_shared<UserApiAuth>(
        UserApiAuthConfig{config.user_api_token, config.user_api_read_without_token});
    if (!auth->enabled()) {
        VQ_LOG_WARN(
            "USER_API_OPEN addr={}:{} reason=\"no UserApi.Token: anyone who reaches "
            "the User API may act on hosts\"",
            config.user_api.addr, config.user_api.port);
    }
    router.guard([auth](const http::Request& req) { return auth->check(req); });
    http::ServerOptions opts;
    opts.address = config.user_api.addr;
    opts.port = static_cast<uint16_t>(config.user_api.port);
    opts.threads = 1;
    auto listener = std::make_unique<http::Server>(opts, std::move(router));
    if (Status st = listener->start(); !st) {
        std::cerr << "warning: User API not served: " << st.message() << "\n";
        VQ_LOG_WARN("USER_API_UNAVAILABLE addr={}:{} reason=\"{}\"", config.user_api.addr,
                    config.user_api.port, st.message());
        return nullptr;
    }
    VQ_LOG_INFO("USER_API_READY addr={}:{}", config.user_api.addr, listener->port());
    return listener;
}

}  // namespace vq::server
