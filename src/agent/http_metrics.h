#pragma once
// The agent's HTTP metrics: requests by route and status code and their durations by
// route. Routes are a fixed set (the boot endpoints, /files, /events, /metrics, other), so
// the label values stay bounded whatever clients ask for; counting is lock-free (a slot per
// route and status code), as it runs on every request of a boot storm.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "metrics/exposition.h"
#include "metrics/metric.h"

#include "http/request.h"
#include "http/server.h"

namespace vq::agent {

class HttpMetrics {
public:
    enum class Route : uint8_t {
        boot_ipxe,
        ipxe,
        config,
        checkpoint,
        files,
        events,
        metrics,
        other,
        Count,
    };
    static Route routeOf(std::string_view path);
    static std::string_view routeName(Route route);

    HttpMetrics();
    void observe(const http::Request& req, const http::Exchange& ex);
    void collect(metrics::Exposition& out) const;

private:
    static constexpr size_t kCodes = 600;  // status codes 0..599; others count as 0
    struct PerRoute {
        std::array<std::atomic<uint64_t>, kCodes> codes{};
        metrics::Histogram duration{metrics::latencyBuckets()};
        std::atomic<uint64_t> bytes{0};
    };
    std::array<std::unique_ptr<PerRoute>, static_cast<size_t>(Route::Count)> routes_;
};

}  // namespace vq::agent
