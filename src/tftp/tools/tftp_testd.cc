// vq-tftp-testd: the TFTP service alone (no agent, no data model), for system tests and
// benchmarks. Prints "listening <port>" once bound; runs until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "base/log.h"
#include "tftp/server/tftp_service.h"

namespace {

class LogSink : public vq::EventSink {
public:
    explicit LogSink(bool verbose) : verbose_(verbose) {}
    void record(vq::HostEvent e) override {
        if (verbose_) {
            std::printf("event %s ip=%s %s\n", e.kind.c_str(),
                        e.ip ? e.ip->toString().c_str() : "-", e.detail.c_str());
            std::fflush(stdout);
        }
    }

private:
    bool verbose_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Vaquero TFTP service test driver"};
    vq::tftp::TftpServiceConfig config;
    std::string root = config.files.root.string();
    std::vector<std::string> fallbacks;
    bool no_fallbacks = false;
    bool events = false;
    std::string log_level = "warning";
    int max_block = config.limits.max_block_size;
    int max_window = config.limits.max_window_size;
    app.add_option("--root", root, "directory served");
    app.add_option("--fallback", fallbacks, "extra fallback directories (any file)");
    app.add_flag("--no-default-fallbacks", no_fallbacks, "do not serve Debian's iPXE ROMs");
    app.add_option("--bind", config.bind_address, "IPv4 address to bind");
    app.add_option("--port", config.port, "UDP port (0: any)");
    app.add_option("--max-blksize", max_block, "largest block size granted")
        ->check(CLI::Range(8, 65464));
    app.add_option("--max-windowsize", max_window, "largest window granted")
        ->check(CLI::Range(1, 65535));
    app.add_option("--transfer-threads", config.transfer_threads,
                   "event-loop threads running transfers (0: the main loop)");
    bool no_gso = false;
    app.add_flag("--no-gso", no_gso, "send DATA datagram by datagram (no UDP_SEGMENT)");
    app.add_flag("--events", events, "print every event on stdout");
    app.add_option("--log-level", log_level, "debug, info, warning, error");
    CLI11_PARSE(app, argc, argv);

    vq::LogSettings ls;
    ls.level = log_level;
    ls.location = "stderr";
    if (auto st = vq::configureLogging(ls); !st) {
        std::fprintf(stderr, "%s\n", st.message().c_str());
        return 2;
    }
    config.files.root = root;
    config.segmentation_offload = !no_gso;
    if (no_fallbacks)
        config.files.fallbacks.clear();
    for (const auto& f : fallbacks)
        config.files.fallbacks.push_back({f, {}});
    config.limits.max_block_size = static_cast<uint16_t>(max_block);
    config.limits.max_window_size = static_cast<uint16_t>(max_window);

    boost::asio::io_context io;
    LogSink sink(events);
    vq::tftp::TftpService service(io, config, sink);
    if (auto st = service.start(); !st) {
        std::fprintf(stderr, "%s\n", st.message().c_str());
        return 1;
    }
    std::printf("listening %u\n", service.port());
    std::fflush(stdout);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        service.stop();
        io.stop();
    });
    io.run();
    auto s = service.stats();
    std::fprintf(
        stderr, "stats started=%llu completed=%llu failed=%llu refused=%llu\n",
        static_cast<unsigned long long>(s.started), static_cast<unsigned long long>(s.completed),
        static_cast<unsigned long long>(s.failed), static_cast<unsigned long long>(s.refused));
    return 0;
}
