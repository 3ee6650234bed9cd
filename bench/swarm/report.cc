#include "report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vq::swarm {

namespace {

// First DISCOVER to checkpoint, for machines that got there.
std::vector<double> bootTimes(const std::vector<MachineRun>& runs, const Firmware* only) {
    std::vector<double> out;
    for (const auto& r : runs) {
        if (r.timeline.failed() || (only && r.spec.firmware != *only))
            continue;
        double first = 0;
        double checkpoint = -1;
        for (const auto& [name, ms] : r.timeline.steps) {
            if (name == "discover" || name == "ipxe_discover")
                first = first == 0 ? ms : std::min(first, ms);
            if (name == "checkpoint")
                checkpoint = ms;
        }
        if (checkpoint >= 0)
            out.push_back(checkpoint - first);
    }
    return out;
}

}  // namespace

double quantile(std::vector<double> values, double q) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

void writeMachineLines(std::ostream& out, const std::vector<MachineRun>& runs) {
    for (const auto& r : runs) {
        nlohmann::json steps = nlohmann::json::array();
        for (const auto& [name, ms] : r.timeline.steps)
            steps.push_back({name, std::round(ms * 10) / 10});
        nlohmann::json line = {
            {"mac", r.spec.mac.toString()},
            {"ip", r.spec.address.toString()},
            {"firmware", std::string(firmwareName(r.spec.firmware))},
            {"ok", !r.timeline.failed()},
            {"provisioned", r.timeline.provisioned},
            {"error", r.timeline.first_error},
            {"checkpoint_answer", r.timeline.checkpoint_answer},
            {"retransmits",
             {{"dhcp", r.timeline.dhcp_retransmits},
              {"tftp", r.timeline.tftp_retransmits},
              {"http", r.timeline.http_retries}}},
            {"steps", steps},
        };
        out << line.dump() << '\n';
    }
}

void writeSummary(std::ostream& out,
                  const std::string& label,
                  const std::vector<MachineRun>& runs,
                  double wall_seconds) {
    size_t failed = 0, provisioned = 0;
    unsigned long dhcp = 0, tftp = 0, http = 0;
    std::map<std::string, size_t> errors;
    for (const auto& r : runs) {
        failed += r.timeline.failed();
        provisioned += r.timeline.provisioned;
        dhcp += r.timeline.dhcp_retransmits;
        tftp += r.timeline.tftp_retransmits;
        http += r.timeline.http_retries;
        if (r.timeline.failed()) {
            // Group by the error's text without the machine's own address and MAC.
            std::string key = r.timeline.first_error;
            for (const std::string& own : {r.spec.mac.toString(), r.spec.address.toString()})
                for (size_t p; (p = key.find(own)) != std::string::npos;)
                    key.replace(p, own.size(), "<machine>");
            ++errors[key.substr(0, 160)];
        }
    }
    const auto all = bootTimes(runs, nullptr);
    out << fmt::format(
        "SWARM label={} machines={} ok={} failed={} provisioned={} p50_ms={:.0f} p90_ms={:.0f} "
        "p99_ms={:.0f} max_ms={:.0f} wall_s={:.2f} dhcp_retransmits={} tftp_retransmits={} "
        "http_retries={}\n",
        label, runs.size(), runs.size() - failed, failed, provisioned, quantile(all, 0.5),
        quantile(all, 0.9), quantile(all, 0.99), quantile(all, 1.0), wall_seconds, dhcp, tftp,
        http);
    for (Firmware f : {Firmware::IpxeRom, Firmware::Edk2, Firmware::PxeBios}) {
        const auto times = bootTimes(runs, &f);
        if (!times.empty())
            out << fmt::format("  {:<8} machines ok={:<5} p50_ms={:.0f} p99_ms={:.0f}\n",
                               firmwareName(f), times.size(), quantile(times, 0.5),
                               quantile(times, 0.99));
    }
    std::vector<std::pair<size_t, std::string>> top;
    for (const auto& [text, n] : errors)
        top.emplace_back(n, text);
    std::sort(top.rbegin(), top.rend());
    for (size_t i = 0; i < top.size() && i < 8; ++i)
        out << fmt::format("  first error x{}: {}\n", top[i].first, top[i].second);
}

}  // namespace vq::swarm
