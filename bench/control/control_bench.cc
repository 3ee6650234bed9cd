// Control plane figures, in one process over loopback TLS: `vaquero server` (ControlPlane)
// and `vaquero agent` (RemoteLinks + Agent) on a SoT made by bench/ipxe/gen_sot.py.
//   cold start: an agent with an empty cache until it serves, vs `standalone` loading the
//               same SoT from disk until it serves (same run)
//   events:     N events reported through the agent until the server counted them all
//   propagation: a SoT change until the agent serves the new revision, R times: from the
//               write of a file (a new os/ definition) to the moment the agent's revision
//               number moves (the server notices the write by inotify, reloads, stores and
//               announces the revision; the agent downloads the delta, loads, serves it)
// Usage: vq-control-bench <sot-dir> <work-dir> [events] [rounds]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "remote/remote_links.h"
#include "standalone/standalone.h"

#include "agent/agent.h"
#include "base/log.h"
#include "server/control_plane.h"

namespace fs = std::filesystem;
using namespace vq;
using Steady = std::chrono::steady_clock;

namespace {

double msSince(Steady::time_point t0) {
    return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

template <typename F>
bool waitFor(F f, std::chrono::seconds limit) {
    const auto deadline = Steady::now() + limit;
    while (Steady::now() < deadline) {
        if (f())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return f();
}

server::Config serverConfig(const fs::path& sot, const fs::path& work) {
    server::Config c;
    c.sots.push_back({server::SotSourceConfig::Kind::Local, "bench", sot.string(), "", ""});
    c.save_path = (work / "server").string();
    c.user_api = {"127.0.0.1", 0};
    c.poll_interval_s = 1;
    c.server_api.endpoint = {"127.0.0.1", 0};
    c.server_api.private_key = (work / "pki/s.key").string();
    c.server_api.public_key = (work / "pki/s.pem").string();
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: vq-control-bench <sot-dir> <work-dir> [events] [rounds]\n");
        return 2;
    }
    const fs::path sot = argv[1];
    const fs::path work = argv[2];
    const uint64_t events = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 500'000;
    const int rounds = argc > 4 ? std::atoi(argv[4]) : 20;
    fs::create_directories(work / "pki");
    const std::string mk =
        "(cd " + (work / "pki").string() +
        " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
        "-subj /CN=ca && openssl req -newkey rsa:2048 -nodes -keyout s.key -out s.csr -subj "
        "/CN=s && (printf 'subjectAltName=IP:127.0.0.1' > s.ext) && openssl x509 -req -in s.csr "
        "-CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out s.pem -extfile s.ext) >/dev/null "
        "2>&1";
    if (std::system(mk.c_str()) != 0) {
        std::fprintf(stderr, "openssl failed\n");
        return 1;
    }
    LogSettings quiet;
    // VQ_BENCH_LOG=info shows where a propagation spends its time.
    const char* level = std::getenv("VQ_BENCH_LOG");
    quiet.level = level != nullptr ? level : "warning";
    if (!configureLogging(quiet))
        return 1;

    // `standalone` on the same SoT, from disk, until its agent serves.
    double standalone_ms = 0;
    {
        auto t0 = Steady::now();
        server::Config c = serverConfig(sot, work / "sa");
        c.user_api.port = 0;
        standalone::StandaloneOptions so;
        so.listen = "127.0.0.1";
        so.http_port = 0;
        so.boot_services = false;
        so.user_api = false;
        auto s = standalone::Standalone::create(c, so);
        if (!s || !(*s)->start()) {
            std::fprintf(stderr, "standalone failed\n");
            return 1;
        }
        standalone_ms = msSince(t0);
    }

    server::ControlPlaneOptions cpo;
    cpo.secrets = {"shared", "server"};
    auto cp = server::ControlPlane::create(serverConfig(sot, work), cpo);
    if (!cp || !(*cp)->start()) {
        std::fprintf(stderr, "server failed: %s\n", cp ? "start" : cp.message().c_str());
        return 1;
    }
    auto& plane = **cp;
    // The server has packed its first bundle before agents are timed.
    waitFor([&] { return plane.server().revisions().latest() != nullptr; },
            std::chrono::seconds(60));
    std::this_thread::sleep_for(std::chrono::seconds(1));

    remote::RemoteOptions ro;
    ro.session.client.host = "127.0.0.1";
    ro.session.client.port = plane.serverApiPort();
    ro.session.client.trust.ca_file = (work / "pki/ca.pem").string();
    ro.session.shared_secret = "shared";
    ro.session.site_id = "bench";
    ro.session.agent_id = "a";
    ro.cache_dir = work / "agent";
    ro.memory_events = events + 1;
    ro.watch_wait = std::chrono::seconds(2);
    const auto t0 = Steady::now();
    auto links = remote::RemoteLinks::create(ro);
    if (!links || !(*links)->start(std::chrono::seconds(120))) {
        std::fprintf(stderr, "agent links failed\n");
        return 1;
    }
    agent::AgentOptions ao;
    ao.site_id = "bench";
    ao.agent_id = "a";
    ao.listen = "127.0.0.1";
    ao.http_port = 0;
    ao.boot_services = false;
    agent::Agent agent(ao, (*links)->links());
    if (!agent.start()) {
        std::fprintf(stderr, "agent failed\n");
        return 1;
    }
    const double agent_ms = msSince(t0);
    std::printf(
        "cold start: agent from the server %.0f ms, standalone from disk %.0f ms, "
        "ratio %.2f (goal <= 1.5)\n",
        agent_ms, standalone_ms, agent_ms / standalone_ms);

    // Events.
    const uint64_t before = plane.server().eventsReported();
    HostEvent e;
    e.mac = MacAddr::parse("52:54:00:00:00:01");
    e.source = "http";
    e.kind = "HTTP_IPXE";
    e.detail = "path=/ipxe status=200";
    const auto te = Steady::now();
    for (uint64_t i = 0; i < events; ++i)
        (*links)->report("bench", e);
    const bool all = waitFor([&] { return plane.server().eventsReported() - before >= events; },
                             std::chrono::seconds(120));
    const double events_ms = msSince(te);
    std::printf(
        "events: %llu reported, %llu counted by the server in %.0f ms: %.0f events/s "
        "(goal >= 50000, none lost: %s)\n",
        static_cast<unsigned long long>(events),
        static_cast<unsigned long long>(plane.server().eventsReported() - before), events_ms,
        events / (events_ms / 1000.0), all ? "yes" : "NO");

    // Propagation.
    std::vector<double> samples;
    for (int r = 0; r < rounds; ++r) {
        const uint64_t rev = agent.revision();
        VQ_LOG_INFO("BENCH_SOT_WRITE round={}", r);  // where each step's time starts
        std::ofstream(sot / "os/bench-marker.yml")
            << "id: bench-marker-" << r
            << "\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: http://x/k" << r << "\n";
        const auto tp = Steady::now();
        if (!waitFor([&] { return agent.revision() != rev; }, std::chrono::seconds(120))) {
            std::fprintf(stderr, "round %d: no new revision at the agent\n", r);
            break;
        }
        samples.push_back(msSince(tp));
    }
    if (!samples.empty()) {
        std::sort(samples.begin(), samples.end());
        const double median = samples[samples.size() / 2];
        const double p99 = samples[std::min(samples.size() - 1, samples.size() * 99 / 100)];
        std::printf(
            "propagation (SoT file written -> agent serving the new revision): "
            "median %.0f ms, p99 %.0f ms over %zu changes (goal p99 <= 1000)\n",
            median, p99, samples.size());
    }
    fs::remove(sot / "os/bench-marker.yml");
    agent.stop();
    (*links)->stop();
    plane.stop();
    return 0;
}
