#pragma once
// Time as a dependency: protocol state machines take a Clock so tests drive time
// with SimulatedClock instead of sleeping.

#include <chrono>

namespace vq {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

class SteadyClock : public Clock {
public:
    TimePoint now() const override { return std::chrono::steady_clock::now(); }
    static SteadyClock& instance() {
        static SteadyClock clock;
        return clock;
    }
};

class SimulatedClock : public Clock {
public:
    TimePoint now() const override { return now_; }
    void advance(Duration d) { now_ += d; }

private:
    TimePoint now_{};
};

}  // namespace vq
