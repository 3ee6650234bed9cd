#include "server/follower_routes.h"

#include <algorithm>

#include "control/wire.h"

namespace vq::server {

namespace wire = control::wire;

namespace {
// The leader's own work on a call (a checkpoint's etcd commit) plus two TLS handshakes.
constexpr std::chrono::milliseconds kExchangeMargin{8'000};
}  // namespace

ForwardRule forwardRule(std::string_view path) {
    if (path == wire::kLogin)
        return {true, false, false, true};
    if (path == wire::kBundle)
        return {true, false, false, true, "application/zstd"};
    if (path == wire::kWatch)
        return {true, false, true, true};
    if (path == wire::kManifest)
        return {true, false, true};
    if (path == wire::kEvents || path == wire::kCheckpoint || path == wire::kTaskResults)
        return {true, true, false};
    if (path == wire::kTasks)
        return {true, true, true};
    return {};
}

std::chrono::milliseconds forwardTimeout(const ForwardRule& rule,
                                         std::optional<uint64_t> wait_s,
                                         std::chrono::milliseconds watch_timeout) {
    if (!rule.long_poll)
        return kExchangeMargin;
    std::chrono::milliseconds wait = watch_timeout;
    if (wait_s && *wait_s > 0 && *wait_s < static_cast<uint64_t>(watch_timeout.count() / 1000))
        wait = std::chrono::seconds(*wait_s);
    return wait + kExchangeMargin;
}

ForwardTarget forwardTarget(std::string_view leader_value, std::string_view self_id) {
    if (leader_value.empty())
        return {std::nullopt, "no server leads yet"};
    const LeaderRecord leader = parseLeaderRecord(leader_value);
    if (leader.id == self_id)
        return {std::nullopt, "this server is taking over as the leader"};
    if (!leader.server_api)
        return {std::nullopt, "the leader (" + leader.id + ") publishes no ServerAPI endpoint"};
    return {leader.server_api, {}};
}

}  // namespace vq::server
