// Power-cycles every BMC listed in a file and confirms each by a status read, all through
// Vaquero's in-process IPMI driver on the bounded executor. Prints per-run totals.
//   vq-power-bench TARGETS USER PARALLELISM     (password in $VQ_BENCH_BMC_PASSWORD)
// TARGETS: one "address port" per line.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "power/executor.h"
#include "power/ipmi_driver.h"
#include "power/perform.h"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s TARGETS USER PARALLELISM\n", argv[0]);
        return 2;
    }
    const char* password = std::getenv("VQ_BENCH_BMC_PASSWORD");
    std::ifstream in(argv[1]);
    std::vector<vq::power::PowerJob> jobs;
    std::string address;
    int port = 0;
    while (in >> address >> port) {
        vq::power::Target t;
        t.host = "bmc-" + address;
        t.driver = "ipmi";
        t.address = address;
        t.port = port;
        t.username = argv[2];
        t.password = password ? password : "";
        jobs.push_back({t.host, [t]() -> vq::Result<std::string> {
                            vq::power::IpmiDriver driver(t, vq::power::IpmiOptions{});
                            VQ_TRY(driver.cycle());
                            // The confirmation: the BMC answers a status read after the cycle.
                            auto state = driver.status();
                            if (!state)
                                return state.status();
                            return std::string(vq::power::powerStateName(*state));
                        }});
    }
    const size_t parallelism = std::strtoul(argv[3], nullptr, 10);
    const size_t total = jobs.size();
    const auto start = std::chrono::steady_clock::now();
    const auto results = vq::power::runConcurrently(std::move(jobs), parallelism);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    size_t confirmed = 0;
    double slowest = 0;
    for (const auto& r : results) {
        if (r.status.isOk())
            ++confirmed;
        else
            std::fprintf(stderr, "%s\n", r.status.message().c_str());
        slowest = std::max(slowest, std::chrono::duration<double>(r.duration).count());
    }
    std::printf("vaquero: %zu/%zu confirmed in %.3f s (slowest host %.3f s)\n", confirmed, total,
                wall, slowest);
    return confirmed == total ? 0 : 1;
}
