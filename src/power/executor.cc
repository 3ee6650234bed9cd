#include "power/executor.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <system_error>
#include <thread>

#include <fmt/format.h>

namespace vq::power {
namespace {

PowerJobResult runOne(PowerJob& job) {
    PowerJobResult r;
    r.host = job.host;
    const auto start = std::chrono::steady_clock::now();
    try {
        Result<std::string> out = job.run ? job.run() : Result<std::string>::error("no action");
        if (out)
            r.summary = *out;
        else
            r.status = out.status();
    } catch (const std::exception& e) {
        r.status = Status::error(fmt::format("host {}: {}", job.host, e.what()));
    } catch (...) {
        r.status = Status::error(fmt::format("host {}: unexpected failure", job.host));
    }
    r.duration = std::chrono::steady_clock::now() - start;
    return r;
}

}  // namespace

std::vector<PowerJobResult> runConcurrently(std::vector<PowerJob> jobs, size_t parallelism) {
    std::vector<PowerJobResult> results(jobs.size());
    const size_t workers = std::min(std::max<size_t>(parallelism, 1), jobs.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i = next++; i < jobs.size(); i = next++)
            results[i] = runOne(jobs[i]);
    };
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (size_t w = 0; w < workers; ++w) {
        try {
            threads.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // out of threads: the ones started (or this one, below) do the rest
        }
    }
    if (threads.empty())
        work();
    for (auto& t : threads)
        t.join();
    return results;
}

}  // namespace vq::power
