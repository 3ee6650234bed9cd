#pragma once
// Waiting with a deadline inside a coroutine: the operation is cancelled when the deadline
// passes, which is how firmware's retransmission timers are simulated.
#include <memory>
#include <utility>  // boost 1.74 awaitable.hpp uses std::exchange without it

#include "timeline.h"
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vq::swarm {

namespace asio = boost::asio;

// Arms a timer that calls `cancel` at `deadline`; disarmed when this object goes away.
template <typename Cancel>
class Deadline {
public:
    Deadline(asio::any_io_executor ex, Clock::time_point deadline, Cancel cancel)
        : timer_(ex, deadline), state_(std::make_shared<State>()) {
        // The expiry may already be queued when the awaited operation completes: the shared
        // state tells a late handler that the operation (and what it would cancel) is gone.
        timer_.async_wait([cancel, state = state_](const boost::system::error_code& ec) mutable {
            if (!ec && state->armed) {
                state->hit = true;
                cancel();
            }
        });
    }
    ~Deadline() {
        state_->armed = false;
        timer_.cancel();
    }
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;
    bool passed() const { return state_->hit; }

private:
    struct State {
        bool armed = true;
        bool hit = false;
    };
    asio::steady_timer timer_;
    std::shared_ptr<State> state_;
};

}  // namespace vq::swarm
