#include "workflow/host_progress.h"

#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vq::workflow {

std::string_view toString(HostState state) {
    switch (state) {
        case HostState::booting:
            return "booting";
        case HostState::provisioned:
            return "provisioned";
    }
    return "booting";
}

std::optional<HostState> parseHostState(std::string_view text) {
    if (text == "booting")
        return HostState::booting;
    if (text == "provisioned")
        return HostState::provisioned;
    return std::nullopt;
}

std::string formatTime(WallTime t) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                       static_cast<int>(ms % 1000));
}

std::string toJson(const HostProgress& p) {
    nlohmann::json j = {{"site", p.site},
                        {"host", p.host},
                        {"workflow", p.workflow},
                        {"stage", p.stage},
                        {"boot", p.boot},
                        {"state", std::string(toString(p.state))},
                        {"updated", formatTime(p.updated)},
                        {"checkpoints", p.checkpoints}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vq::workflow
