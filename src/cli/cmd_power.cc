// `vaquero power`: one power action on one host, with the drivers and the BMC data of the
// source of truth. Prints what happened (exit 0) or why it failed (exit 1); messages name
// the host and the BMC address, never the password.

#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/sot_input.h"
#include "model/load.h"
#include "power/action.h"
#include "power/driver_factory.h"
#include "power/perform.h"
#include "power/target.h"
#include "server/power_target.h"

namespace vq::cli {
namespace {

struct PowerFlags {
    std::string sot;
    std::string config_dir;
    std::string site;
    std::string host;
    std::string action;
    int port = 0;
    double timeout_s = 4.0;
    int cipher_suite = power::kDefaultCipherSuite;
    std::string known_hosts_dir;
    std::string ssh_command = power::kDefaultSshCommand;
};

struct Found {
    const model::Host* host = nullptr;
    std::string site;
};

// The host by name, in --site or in the only site that has it.
Result<Found> findHost(const model::Model& m, const PowerFlags& f) {
    Found found;
    for (const auto& site : m.sites()) {
        if (!f.site.empty() && site.id != f.site && site.dir != f.site)
            continue;
        if (const model::Host* h = m.host(site.id, f.host)) {
            if (found.host)
                return Result<Found>::error("host " + f.host + " is in sites " + found.site +
                                            " and " + site.id + "; choose one with --site");
            found = {h, site.id};
        }
    }
    if (!found.host)
        return Result<Found>::error("host " + f.host + ": no such host" +
                                    (f.site.empty() ? "" : " in site " + f.site));
    return found;
}

power::DriverOptions driverOptions(const PowerFlags& f) {
    power::DriverOptions o;
    const auto ms = std::chrono::milliseconds(std::lround(f.timeout_s * 1000));
    o.ipmi.session_timeout = ms;
    // A few retransmissions fit in every exchange.
    o.ipmi.retransmission_timeout = std::max(std::chrono::milliseconds(100), ms / 4);
    o.ssh.known_hosts_dir = f.known_hosts_dir;
    o.ssh.command = f.ssh_command;
    o.ssh.timeout = std::chrono::seconds(std::max(1L, std::lround(f.timeout_s)));
    return o;
}

int runPower(const PowerFlags& f) {
    const auto action = power::parseAction(f.action);
    if (!action) {
        std::cerr << "power: unknown action \"" << f.action
                  << "\" (expected status, on, off, cycle, soft or pxe)\n";
        return kExitUsage;
    }
    SotInput input = loadSotFor("power", f.sot, f.site, f.config_dir);
    if (!input.model)
        return input.exit_code;
    Result<Found> found = findHost(*input.model, f);
    if (!found) {
        std::cerr << "power: " << found.message() << "\n";
        return kExitFailure;
    }
    Result<power::Target> from_sot = server::powerTarget(*found->host);
    if (!from_sot) {
        std::cerr << "power: " << from_sot.message() << "\n";
        return kExitFailure;
    }
    power::Target target = *from_sot;
    target.port = f.port;
    target.cipher_suite = f.cipher_suite;
    if (target.driver == "ssh" && f.known_hosts_dir.empty()) {
        std::cerr << "power: " << power::describe(target)
                  << ": an ssh BMC needs --known-hosts-dir (where host keys are recorded)\n";
        return kExitUsage;
    }
    auto driver = power::makeDriver(target, driverOptions(f));
    if (!driver) {
        std::cerr << "power: " << power::redact(driver.message(), target) << "\n";
        return kExitFailure;
    }
    Result<std::string> out = power::perform(**driver, *action);
    if (!out) {
        std::cerr << "power: " << power::redact(out.message(), target) << "\n";
        return kExitFailure;
    }
    std::cout << power::redact(power::describe(target) + ": " + *out, target) << "\n";
    return kExitOk;
}

}  // namespace

void addPowerCommand(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<PowerFlags>();
    auto* cmd = app.add_subcommand(
        "power", "Run one power action on a host through its BMC (IPMI) or SSH, from the SoT");
    cmd->add_option("--sot", flags->sot, "Source-of-truth directory")->required();
    addConfigDirOption(*cmd, flags->config_dir);
    cmd->add_option("--site", flags->site, "Only look in this site (env id or directory)");
    cmd->add_option("--host", flags->host, "Host name in the SoT")->required();
    cmd->add_option("action", flags->action, "status, on, off, cycle, soft or pxe")->required();
    cmd->add_option("--port", flags->port, "BMC UDP port (IPMI, default 623) or SSH port (22)")
        ->check(CLI::Range(1, 65535));
    cmd->add_option("--timeout", flags->timeout_s,
                    "Seconds one BMC exchange may take, retransmissions included (default 4)")
        ->check(CLI::Range(0.1, 600.0));
    cmd->add_option("--cipher-suite", flags->cipher_suite, "IPMI 2.0 cipher suite (default 3)")
        ->check(CLI::Range(0, 17));
    cmd->add_option("--known-hosts-dir", flags->known_hosts_dir,
                    "ssh: directory of the known_hosts file (host keys recorded on first use)");
    cmd->add_option("--ssh-command", flags->ssh_command,
                    "ssh: the command that reboots the host (default: sudo reboot)");
    cmd->callback([&ctx, flags] { ctx.exit_code = runPower(*flags); });
}

}  // namespace vq::cli
