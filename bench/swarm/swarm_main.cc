// vq-swarm: N simulated machines network-booting at once, each as its firmware would (see
// machine.h), from their own interfaces (macvlans of one link) towards a boot stack.
//   vq-swarm --link IFACE --machines FILE [--label L] [--out FILE.jsonl] [--timeout SECONDS]
//            [--spread-ms MS] [--http-timeout SECONDS]
// FILE: one machine a line, "ifname mac ipv4 firmware" (firmware: ipxe, edk2, pxebios).
// Prints a SWARM summary line; exits 0 only when every machine reached its checkpoint.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>

#include "dhcp_link.h"
#include "machine.h"
#include "report.h"
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <sys/resource.h>

namespace {

using namespace vq::swarm;
namespace asio = boost::asio;

bool readMachines(const std::string& path, std::vector<MachineRun>& out, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = "cannot read " + path;
        return false;
    }
    int lineno = 0;
    for (std::string line; std::getline(in, line);) {
        ++lineno;
        std::istringstream words(line);
        std::string ifname, mac, ip, fw;
        if (!(words >> ifname))
            continue;
        MachineRun r;
        r.spec.ifname = ifname;
        words >> mac >> ip >> fw;
        auto m = vq::MacAddr::parse(mac);
        auto a = vq::Ipv4::parse(ip);
        if (!m || !a || !parseFirmware(fw, r.spec.firmware)) {
            error = path + ":" + std::to_string(lineno) + ": want 'ifname mac ipv4 firmware'";
            return false;
        }
        r.spec.mac = *m;
        r.spec.address = *a;
        out.push_back(std::move(r));
    }
    return true;
}

void raiseFileLimit() {
    rlimit l{};
    if (::getrlimit(RLIMIT_NOFILE, &l) == 0) {
        l.rlim_cur = l.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &l);
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"vq-swarm: simulated machines network-booting at once"};
    std::string link_name, machines_path, label = "swarm", out_path;
    double timeout_s = 600;
    int spread_ms = 0;
    double http_timeout_s = 300;
    app.add_option("--link", link_name, "the link the machines' macvlans sit on")->required();
    app.add_option("--machines", machines_path, "ifname mac ipv4 firmware, one a line")->required();
    app.add_option("--label", label, "name in the summary line");
    app.add_option("--out", out_path, "per-machine timelines, JSON lines");
    app.add_option("--timeout", timeout_s, "seconds after which unfinished machines fail");
    app.add_option("--spread-ms", spread_ms, "power-on times spread uniformly over this");
    app.add_option("--http-timeout", http_timeout_s, "seconds a single GET may take");
    CLI11_PARSE(app, argc, argv);

    std::vector<MachineRun> runs;
    std::string error;
    if (!readMachines(machines_path, runs, error)) {
        std::cerr << "vq-swarm: " << error << '\n';
        return 2;
    }
    raiseFileLimit();
    asio::io_context io(1);
    std::unique_ptr<DhcpLink> link;
    try {
        link = std::make_unique<DhcpLink>(io, link_name);
    } catch (const std::exception& e) {
        std::cerr << "vq-swarm: " << e.what() << '\n';
        return 2;
    }
    link->start();

    const auto start = Clock::now();
    size_t finished = 0;
    std::mt19937 rng(42);
    BootLimits limits;
    limits.http_request = std::chrono::milliseconds(static_cast<long>(http_timeout_s * 1000));
    for (auto& r : runs) {
        auto delay = std::chrono::milliseconds(spread_ms > 0 ? rng() % spread_ms : 0);
        auto timer = std::make_shared<asio::steady_timer>(io, start + delay);
        timer->async_wait([&, timer, run = &r](const boost::system::error_code&) {
            asio::co_spawn(io, bootMachine(*link, run->spec, limits, run->timeline),
                           [&](std::exception_ptr e) {
                               if (e) {
                                   try {
                                       std::rethrow_exception(e);
                                   } catch (const std::exception& x) {
                                       run->timeline.fail(std::string("swarm: ") + x.what());
                                   }
                               }
                               if (++finished == runs.size())
                                   io.stop();
                           });
        });
    }
    asio::steady_timer give_up(
        io, start + std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
    give_up.async_wait([&](const boost::system::error_code& ec) {
        if (!ec)
            io.stop();
    });
    io.run();
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    for (auto& r : runs) {
        bool done = r.timeline.failed() ||
                    (!r.timeline.steps.empty() && r.timeline.steps.back().first == "checkpoint");
        if (!done)
            r.timeline.fail(
                "did not reach its checkpoint within " +
                std::to_string(static_cast<int>(timeout_s)) + " s (last step: " +
                (r.timeline.steps.empty() ? std::string("none") : r.timeline.steps.back().first) +
                ")");
    }
    if (!out_path.empty()) {
        std::ofstream out(out_path);
        writeMachineLines(out, runs);
    }
    writeSummary(std::cout, label, runs, wall);
    if (link->sendErrors() > 0)
        std::cout << "  dhcp frames not sent: " << link->sendErrors() << '\n';
    std::cout.flush();
    for (const auto& r : runs)
        if (r.timeline.failed())
            return 1;
    return 0;
}
