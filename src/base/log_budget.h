#pragma once
// A budget of log lines per second for messages an outsider can trigger at will (a refused
// datagram, a bad request): the first `per_second` of each second are written, the rest
// only counted, and the count is written when the next second begins. Thread-safe.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

namespace vq {

class LogBudget {
public:
    LogBudget(std::string_view what, uint32_t per_second) : what_(what), per_second_(per_second) {}

    // True when the caller may write its line now.
    bool take();

private:
    std::string_view what_;  // names the suppressed lines (a literal)
    const uint32_t per_second_;
    std::mutex mu_;
    std::chrono::steady_clock::time_point window_{};
    uint32_t used_ = 0;
    uint64_t suppressed_ = 0;
};

}  // namespace vq
