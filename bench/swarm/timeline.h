#pragma once
// One simulated machine's boot as it went: each step with its time since power-on, the
// retransmissions it needed, and the first error (later errors follow from it).
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace vq::swarm {

using Clock = std::chrono::steady_clock;

struct Timeline {
    Clock::time_point power_on;
    std::vector<std::pair<std::string, double>> steps;  // name, ms since power_on
    std::string first_error;
    std::string checkpoint_answer;
    unsigned dhcp_retransmits = 0;
    unsigned tftp_retransmits = 0;
    unsigned http_retries = 0;
    bool provisioned = false;

    double sinceOn() const {
        return std::chrono::duration<double, std::milli>(Clock::now() - power_on).count();
    }
    void mark(std::string step) { steps.emplace_back(std::move(step), sinceOn()); }
    void fail(const std::string& why) {
        if (first_error.empty())
            first_error = why;
    }
    bool failed() const { return !first_error.empty(); }
};

}  // namespace vq::swarm
