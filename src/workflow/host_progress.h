#pragma once
// Where one host stands in its workflow: the stage it is booting (index and boot id, so a
// changed workflow is noticed), whether it finished the last stage, when that last changed
// and how many checkpoints it sent. Keyed by site id + host name, never by MAC, so progress
// survives a MAC change in the SoT and every reload.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vq::workflow {

enum class HostState {
    booting,      // being served `boot`, waiting for its checkpoint
    provisioned,  // checkpointed the last stage; keeps being served it
};

std::string_view toString(HostState state);
std::optional<HostState> parseHostState(std::string_view text);

using WallTime = std::chrono::system_clock::time_point;

struct HostProgress {
    std::string site;
    std::string host;
    std::string workflow;  // empty for a seed-era host (a single group boot)
    uint32_t stage = 0;    // index into the workflow's stages
    std::string boot;      // the boot of that stage
    HostState state = HostState::booting;
    WallTime updated{};
    uint64_t checkpoints = 0;  // every checkpoint received, stale ones included

    bool operator==(const HostProgress&) const = default;
};

// {"site":..,"host":..,"workflow":..,"stage":N,"boot":..,"state":..,"updated":"RFC 3339",
//  "checkpoints":N}
std::string toJson(const HostProgress& p);
// Seconds since the epoch with milliseconds, UTC: "2026-11-22T05:39:17.123Z".
std::string formatTime(WallTime t);

}  // namespace vq::workflow
