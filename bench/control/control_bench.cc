// Control plane figures, in one process over loopback TLS: `vaquero server` (ControlPlane)
// and `vaquero agent` (RemoteLinks + Agent) on a SoT made by bench/ipxe/gen_sot.py.
//   cold start: an agent with an empty cache until it serves, vs `standalone` loading the
//               same SoT from disk until it serves (same run)
//   events:     N events reported through the agent until the server counted them all
//   propagation: a SoT change until the agent serves the new revision, R times: from the
//               write of a file (a new os/ definition) to the moment the agent's revision
//               number moves (the server notices the write by inotify, reloads, stores and
//               announces the revision; the agent downloads the delta, loads, serves it)
//   git propagation (the `git` mode): the SoT in a git repository the server fetches over
//               file:// when a signed push webhook arrives, N agents: from the commit of a
//               change (commit, push, webhook delivered with curl as GitHub sends it) to the
//               moment every agent serves the new revision, R times
// Usage: vq-control-bench <sot-dir> <work-dir> [events] [rounds]
//        vq-control-bench git <sot-dir> <work-dir> [rounds] [agents]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "git/hub_signature.h"
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

bool makePki(const fs::path& work) {
    fs::create_directories(work / "pki");
    const std::string mk =
        "(cd " + (work / "pki").string() +
        " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
        "-subj /CN=ca && openssl req -newkey rsa:2048 -nodes -keyout s.key -out s.csr -subj "
        "/CN=s && (printf 'subjectAltName=IP:127.0.0.1' > s.ext) && openssl x509 -req -in s.csr "
        "-CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out s.pem -extfile s.ext) >/dev/null "
        "2>&1";
    return std::system(mk.c_str()) == 0;
}

bool quietLogs() {
    LogSettings quiet;
    // VQ_BENCH_LOG=info shows where a propagation spends its time.
    const char* level = std::getenv("VQ_BENCH_LOG");
    quiet.level = level != nullptr ? level : "warning";
    return configureLogging(quiet).isOk();
}

// The server, once it has published (and packed) its first revision: agents are timed after.
std::unique_ptr<server::ControlPlane> startServer(const server::Config& c) {
    server::ControlPlaneOptions cpo;
    cpo.secrets = {"shared", "server"};
    auto cp = server::ControlPlane::create(c, cpo);
    if (!cp || !(*cp)->start()) {
        std::fprintf(stderr, "server failed: %s\n", cp ? "start" : cp.message().c_str());
        return nullptr;
    }
    auto& plane = **cp;
    waitFor([&] { return plane.server().revisions().latest() != nullptr; },
            std::chrono::seconds(60));
    return std::move(*cp);
}

// One agent of the bench site: its links to the server and its services (no boot sockets).
struct BenchAgent {
    std::unique_ptr<remote::RemoteLinks> links;
    std::unique_ptr<agent::Agent> agent;
};

std::unique_ptr<BenchAgent> startAgent(const fs::path& work,
                                       uint16_t port,
                                       const std::string& id,
                                       uint64_t memory_events) {
    remote::RemoteOptions ro;
    ro.session.client.host = "127.0.0.1";
    ro.session.client.port = port;
    ro.session.client.trust.ca_file = (work / "pki/ca.pem").string();
    ro.session.shared_secret = "shared";
    ro.session.site_id = "bench";
    ro.session.agent_id = id;
    ro.cache_dir = work / ("agent-" + id);
    ro.memory_events = memory_events;
    ro.watch_wait = std::chrono::seconds(2);
    auto links = remote::RemoteLinks::create(ro);
    if (!links || !(*links)->start(std::chrono::seconds(120)))
        return nullptr;
    auto b = std::make_unique<BenchAgent>();
    b->links = std::move(*links);
    agent::AgentOptions ao;
    ao.site_id = "bench";
    ao.agent_id = id;
    ao.listen = "127.0.0.1";
    ao.http_port = 0;
    ao.boot_services = false;
    b->agent = std::make_unique<agent::Agent>(ao, b->links->links());
    if (!b->agent->start())
        return nullptr;
    return b;
}

void printPercentiles(const char* what, std::vector<double> samples) {
    if (samples.empty())
        return;
    std::sort(samples.begin(), samples.end());
    const double median = samples[samples.size() / 2];
    const double p99 = samples[std::min(samples.size() - 1, samples.size() * 99 / 100)];
    std::printf("%s: median %.0f ms, p99 %.0f ms over %zu changes (goal p99 <= 1000)\n", what,
                median, p99, samples.size());
}

int run(const std::string& command) {
    return std::system(command.c_str());
}

// The site's agents[] gets entries a0 … a<n-1>: each agent's settings come from its entry.
bool addAgents(const fs::path& env, int n) {
    std::ifstream in(env);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t at = text.find("agents:\n");
    if (at == std::string::npos)
        return false;
    std::string entries;
    for (int i = 0; i < n; ++i) {
        entries += "  - name: a" + std::to_string(i) +
                   "\n    asset_server: {addr: 127.0.0.1, port: 24602}\n";
    }
    text.insert(at + 8, entries);
    std::ofstream(env) << text;
    return true;
}

// The `git` mode: commit + push + signed webhook -> every agent serving the new revision.
int gitPropagation(const fs::path& sot, const fs::path& work, int rounds, int agents) {
    if (!makePki(work) || !quietLogs())
        return 1;
    const fs::path remote = work / "remote.git";
    const fs::path tree = work / "tree";
    const std::string g = "git -C " + tree.string() +
                          " -c user.name=bench -c user.email=bench@example.invalid "
                          "-c commit.gpgsign=false ";
    if (run("git init -q --bare -b main " + remote.string()) != 0 ||
        run("git init -q -b main " + tree.string()) != 0 ||
        run("cp -r " + sot.string() + "/. " + tree.string() + "/") != 0 ||
        !addAgents(tree / "sites/bench/env.yml", agents) ||
        run(g + "remote add origin file://" + remote.string()) != 0 ||
        run(g + "add -A && " + g + "commit -q -m sot && " + g + "push -q origin main") != 0) {
        std::fprintf(stderr, "git setup failed\n");
        return 1;
    }
    server::Config c = serverConfig(sot, work);
    c.sots = {{server::SotSourceConfig::Kind::Git, "bench", "", "bench-hook", "main"}};
    c.git_hooks = {{"bench-hook", "", "file://" + remote.string(), "bench webhook secret"}};
    c.gitter.listen = {"127.0.0.1", 0};
    c.gitter.timeout_s = 60;
    auto cp = startServer(c);
    if (!cp)
        return 1;
    auto& plane = *cp;
    std::vector<std::unique_ptr<BenchAgent>> fleet;
    for (int i = 0; i < agents; ++i) {
        fleet.push_back(startAgent(work, plane.serverApiPort(), "a" + std::to_string(i), 1000));
        if (!fleet.back()) {
            std::fprintf(stderr, "agent %d failed\n", i);
            return 1;
        }
    }
    std::printf("git: %d agents serving revision %llu\n", agents,
                static_cast<unsigned long long>(fleet.front()->agent->revision()));
    const std::string url =
        "http://127.0.0.1:" + std::to_string(plane.gitterPort()) + "/postreceive/bench-hook";
    std::vector<double> samples;
    for (int r = 0; r < rounds; ++r) {
        std::vector<uint64_t> before;
        for (const auto& a : fleet)
            before.push_back(a->agent->revision());
        std::ofstream(tree / "os/bench-marker.yml")
            << "id: bench-marker-" << r
            << "\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: http://x/k" << r << "\n";
        const auto tp = Steady::now();
        if (run(g + "add -A && " + g + "commit -q -m change && " + g + "push -q origin main") !=
            0) {
            std::fprintf(stderr, "round %d: push failed\n", r);
            return 1;
        }
        // GitHub's push event, signed with the hook's secret, delivered as GitHub does.
        const std::string body = R"({"ref":"refs/heads/main","repository":{"full_name":"b/sot"}})";
        const std::string sig = git::hubSignatureHex("sha256", "bench webhook secret", body);
        const std::string post =
            "curl -s -o /dev/null -w '%{http_code}' -X POST -H "
            "'Content-Type: application/json' -H 'X-GitHub-Event: push' "
            "-H 'X-Hub-Signature-256: sha256=" +
            sig + "' --data-binary '" + body + "' " + url + " | grep -q 200";
        if (run(post) != 0) {
            std::fprintf(stderr, "round %d: the webhook was not answered 200\n", r);
            return 1;
        }
        const bool all = waitFor(
            [&] {
                for (size_t i = 0; i < fleet.size(); ++i) {
                    if (fleet[i]->agent->revision() == before[i])
                        return false;
                }
                return true;
            },
            std::chrono::seconds(120));
        if (!all) {
            std::fprintf(stderr, "round %d: not every agent got the new revision\n", r);
            break;
        }
        samples.push_back(msSince(tp));
    }
    printPercentiles(("propagation (commit + push + webhook -> all " + std::to_string(agents) +
                      " agents serving the new revision)")
                         .c_str(),
                     samples);
    for (auto& a : fleet) {
        a->agent->stop();
        a->links->stop();
    }
    plane.stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 4 && std::string(argv[1]) == "git") {
        return gitPropagation(argv[2], argv[3], argc > 4 ? std::atoi(argv[4]) : 20,
                              argc > 5 ? std::atoi(argv[5]) : 10);
    }
    if (argc < 3) {
        std::fprintf(stderr,
                     "usage: vq-control-bench <sot-dir> <work-dir> [events] [rounds]\n"
                     "       vq-control-bench git <sot-dir> <work-dir> [rounds] [agents]\n");
        return 2;
    }
    const fs::path sot = argv[1];
    const fs::path work = argv[2];
    const uint64_t events = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 500'000;
    const int rounds = argc > 4 ? std::atoi(argv[4]) : 20;
    if (!makePki(work)) {
        std::fprintf(stderr, "openssl failed\n");
        return 1;
    }
    if (!quietLogs())
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

    auto cp = startServer(serverConfig(sot, work));
    if (!cp)
        return 1;
    auto& plane = *cp;
    std::this_thread::sleep_for(std::chrono::seconds(1));

    const auto t0 = Steady::now();
    auto bench_agent = startAgent(work, plane.serverApiPort(), "a", events + 1);
    if (!bench_agent) {
        std::fprintf(stderr, "agent failed\n");
        return 1;
    }
    auto& links = bench_agent->links;
    auto& agent = *bench_agent->agent;
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
        links->report("bench", e);
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
    printPercentiles("propagation (SoT file written -> agent serving the new revision)", samples);
    fs::remove(sot / "os/bench-marker.yml");
    agent.stop();
    links->stop();
    plane.stop();
    return 0;
}
