#pragma once
// The User API's listener (UserApi.Addr:Port): its routes (user_api.h), GET /sot, the
// dashboard and whatever the caller adds, behind the UserApi.Token guard. One per process,
// whether it serves one SoT or several.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/router.h"
#include "server/change_feed.h"
#include "server/config.h"
#include "server/sot_view.h"

namespace vq::http {
class Server;
}

namespace vq::server {

struct UserApiListenerOptions {
    std::vector<SotView> sots;
    ChangeFeed* feed = nullptr;                      // the dashboard's live updates
    std::function<std::string()> metrics;            // GET /metrics
    std::function<void(http::Router&)> more_routes;  // may be null
};

// Listening, or null: a port already taken (another instance on this machine) is a warning,
// not a failure, as the boot path matters more.
std::unique_ptr<http::Server> startUserApi(const Config& config, UserApiListenerOptions options);

}  // namespace vq::server
