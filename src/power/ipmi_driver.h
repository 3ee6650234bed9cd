#pragma once
// IPMI 2.0 / RMCP+ in-process through libfreeipmi: one session per call (open, one
// command, close), each message bounded by a session timeout with retransmissions, so a BMC
// that never answers fails within a few seconds.

#include <chrono>

#include "power/driver.h"
#include "power/soft_restart.h"
#include "power/target.h"

namespace vq::power {

struct IpmiOptions {
    // How long one IPMI exchange may take, retransmissions included.
    std::chrono::milliseconds session_timeout{4000};
    std::chrono::milliseconds retransmission_timeout{500};
    // soft_timeout_s comes from the target; the rest from here.
    SoftRestartTiming soft;
};

class IpmiDriver : public PowerDriver {
public:
    IpmiDriver(Target target, IpmiOptions options);

    Result<PowerState> status() override;
    Status on() override;
    Status off() override;
    Status cycle() override;
    Result<SoftOutcome> soft() override;
    Status bootdevPxe() override;

private:
    Status chassisControl(uint8_t control, const char* what);

    Target target_;
    IpmiOptions options_;
};

}  // namespace vq::power
