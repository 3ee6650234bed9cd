#pragma once
// SSH "power control" for machines without a BMC: connect with a private key and run a
// reboot command. Host keys are recorded on first use in <known_hosts_dir>/known_hosts and
// checked on every later connection; a changed key is an error, never accepted.

#include <chrono>
#include <string>

#include "power/driver.h"
#include "power/target.h"

namespace vq::power {

inline constexpr const char* kDefaultSshCommand = "sudo reboot";

struct SshOptions {
    std::string known_hosts_dir;  // required: where known_hosts lives (the SavePath)
    std::string command = kDefaultSshCommand;
    std::chrono::seconds timeout{10};  // connect, authenticate, run: each bounded by this
};

class SshDriver : public PowerDriver {
public:
    SshDriver(Target target, SshOptions options);

    // On when it accepts an authenticated connection; a failure otherwise.
    Result<PowerState> status() override;
    Status on() override;   // not possible over SSH: an error
    Status off() override;  // not possible over SSH: an error
    Status cycle() override;
    Result<SoftOutcome> soft() override;
    // The firmware's own boot order applies: nothing to do over SSH.
    Status bootdevPxe() override;

private:
    Status runCommand();

    Target target_;
    SshOptions options_;
};

}  // namespace vq::power
