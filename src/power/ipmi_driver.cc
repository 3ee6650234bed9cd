#include "power/ipmi_driver.h"

#include <thread>
#include <utility>

#include <fmt/format.h>
#include <freeipmi/freeipmi.h>

#include "power/ipmi_boot_flags.h"
#include "power/ipmi_session.h"

namespace vq::power {
namespace {

unsigned millis(std::chrono::milliseconds ms) {
    return ms.count() <= 0 ? 1u : static_cast<unsigned>(ms.count());
}

}  // namespace

IpmiDriver::IpmiDriver(Target target, IpmiOptions options)
    : target_(std::move(target)), options_(options) {}

Result<PowerState> IpmiDriver::status() {
    IpmiSession session(target_, "power status", millis(options_.session_timeout),
                        millis(options_.retransmission_timeout));
    if (!session.openStatus())
        return session.openStatus();
    FiidObject rs(fiid_obj_create(tmpl_cmd_get_chassis_status_rs));
    if (!rs)
        return Status::error(fmt::format("{}: out of memory", describe(target_)));
    if (ipmi_cmd_get_chassis_status(session.ctx(), rs.get()) < 0)
        return session.failure();
    uint64_t on = 0;
    // A reply too short to hold the power bit is the BMC's fault, reported for this host.
    if (fiid_obj_get(rs.get(), "current_power_state.power_is_on", &on) <= 0)
        return Status::error(fmt::format(
            "{}: power status failed: the BMC's reply has no power state", describe(target_)));
    return on ? PowerState::On : PowerState::Off;
}

Status IpmiDriver::chassisControl(uint8_t control, const char* what) {
    IpmiSession session(target_, what, millis(options_.session_timeout),
                        millis(options_.retransmission_timeout));
    if (!session.openStatus())
        return session.openStatus();
    FiidObject rs(fiid_obj_create(tmpl_cmd_chassis_control_rs));
    if (!rs)
        return Status::error(fmt::format("{}: out of memory", describe(target_)));
    if (ipmi_cmd_chassis_control(session.ctx(), control, rs.get()) < 0)
        return session.failure();
    return Status::ok();
}

Status IpmiDriver::on() {
    return chassisControl(IPMI_CHASSIS_CONTROL_POWER_UP, "power on");
}

Status IpmiDriver::off() {
    return chassisControl(IPMI_CHASSIS_CONTROL_POWER_DOWN, "power off");
}

Status IpmiDriver::cycle() {
    // Power cycle is refused by BMCs while the chassis is off; on is what a cycle means then.
    Result<PowerState> state = status();
    if (!state)
        return state.status();
    if (*state == PowerState::Off)
        return on();
    return chassisControl(IPMI_CHASSIS_CONTROL_POWER_CYCLE, "power cycle");
}

Result<SoftOutcome> IpmiDriver::soft() {
    SoftRestartSteps steps;
    steps.request_shutdown = [this] {
        return chassisControl(IPMI_CHASSIS_CONTROL_INITIATE_SOFT_SHUTDOWN, "soft shutdown");
    };
    steps.status = [this] { return status(); };
    steps.power_on = [this] { return on(); };
    steps.cycle = [this] { return cycle(); };
    steps.sleep = [](Duration d) { std::this_thread::sleep_for(d); };
    SoftRestartTiming timing = options_.soft;
    timing.soft_timeout_s = target_.soft_timeout;
    return softRestart(steps, timing, SteadyClock::instance(), describe(target_));
}

Status IpmiDriver::bootdevPxe() {
    IpmiSession session(target_, "setting a one-time PXE boot", millis(options_.session_timeout),
                        millis(options_.retransmission_timeout));
    if (!session.openStatus())
        return session.openStatus();
    FiidObject rs(fiid_obj_create(tmpl_cmd_set_system_boot_options_rs));
    if (!rs)
        return Status::error(fmt::format("{}: out of memory", describe(target_)));
    const BootFlags f = oneTimePxeBootFlags(target_.efi_boot);
    const int rc = ipmi_cmd_set_system_boot_options_boot_flags(
        session.ctx(), f.parameter_valid, f.bios_boot_type, f.persistent, f.valid, 0, 0,
        f.boot_device, 0, 0, f.console_redirection, 0, 0, 0, f.firmware_verbosity, 0, 0, 0, 0,
        rs.get());
    if (rc < 0)
        return session.failure();
    return Status::ok();
}

}  // namespace vq::power
