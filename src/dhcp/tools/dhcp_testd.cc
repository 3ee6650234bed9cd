// vq-dhcp-testd: serves DHCP on the interfaces of a YAML fixture (service/fixture.h) until
// SIGINT/SIGTERM. System tests and benchmarks run it to exercise DHCP alone, without a data
// model (the agent serves DHCP from the model). Events are printed one per line ("EVENT <kind>
// mac=<mac> <detail>") and the final counters on exit ("STATS ...").
#include <csignal>
#include <cstdio>
#include <mutex>

#include <CLI/CLI.hpp>

#include "base/log.h"
#include "dhcp/service/dhcp_service.h"
#include "dhcp/service/fixture.h"

namespace {

class PrintingSink : public vq::EventSink {
public:
    explicit PrintingSink(bool quiet) : quiet_(quiet) {}
    void record(vq::HostEvent e) override {
        if (quiet_)
            return;
        std::lock_guard lock(mu_);
        std::printf("EVENT %s mac=%s %s\n", e.kind.c_str(), e.mac ? e.mac->toString().c_str() : "-",
                    e.detail.c_str());
        std::fflush(stdout);
    }

private:
    bool quiet_;
    std::mutex mu_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"DHCP test driver"};
    std::string fixture_path, dump_dir, level = "info";
    bool quiet = false;
    app.add_option("--fixture", fixture_path, "YAML fixture")->required();
    app.add_option("--dump-dir", dump_dir, "write every received request as hex here");
    app.add_option("--log-level", level, "debug, info, warning, error");
    app.add_flag("--quiet", quiet, "do not print events (benchmarks)");
    CLI11_PARSE(app, argc, argv);

    vq::LogSettings log;
    log.level = level;
    log.location = "stderr";
    if (vq::Status st = vq::configureLogging(log); !st) {
        std::fprintf(stderr, "%s\n", st.message().c_str());
        return 2;
    }
    auto fixture = vq::dhcp::loadFixtureFile(fixture_path);
    if (!fixture) {
        std::fprintf(stderr, "%s\n", fixture.message().c_str());
        return 2;
    }
    fixture->config.dump_dir = dump_dir;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before the service thread starts

    PrintingSink sink(quiet);
    vq::dhcp::DhcpService service(fixture->config, *fixture->directory, sink);
    if (vq::Status st = service.start(); !st) {
        std::fprintf(stderr, "%s\n", st.message().c_str());
        return 1;
    }
    std::printf("READY hosts=%zu\n", fixture->directory->size());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    service.stop();
    auto s = service.stats();
    std::printf(
        "STATS received=%llu replies=%llu decode_errors=%llu send_errors=%llu rogue=%llu "
        "probes=%llu trimmed=%llu too_large=%llu",
        static_cast<unsigned long long>(s.received),
        static_cast<unsigned long long>(s.replies_sent),
        static_cast<unsigned long long>(s.decode_errors),
        static_cast<unsigned long long>(s.send_errors),
        static_cast<unsigned long long>(s.rogue_sightings),
        static_cast<unsigned long long>(s.rogue_probes),
        static_cast<unsigned long long>(s.replies_trimmed),
        static_cast<unsigned long long>(s.replies_too_large));
    for (const auto& [reason, n] : s.drops) {
        std::printf(" drop_%s=%llu", reason.c_str(), static_cast<unsigned long long>(n));
    }
    std::printf("\n");
    return 0;
}
