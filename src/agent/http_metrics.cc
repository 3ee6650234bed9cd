#include "agent/http_metrics.h"

#include <string>

namespace vq::agent {

HttpMetrics::Route HttpMetrics::routeOf(std::string_view path) {
    auto starts = [&](std::string_view p) { return path.substr(0, p.size()) == p; };
    if (path == "/ipxe")
        return Route::ipxe;
    if (path == "/boot.ipxe" || path == "/boot-ipxe")
        return Route::boot_ipxe;
    if (starts("/config/") || path == "/cloud-config" || path == "/ignition" ||
        path == "/kickstart" || path == "/untyped")
        return Route::config;
    if (starts("/checkpoint/"))
        return Route::checkpoint;
    if (starts("/files/"))
        return Route::files;
    if (path == "/events" || starts("/events/"))
        return Route::events;
    if (path == "/metrics")
        return Route::metrics;
    return Route::other;
}

std::string_view HttpMetrics::routeName(Route route) {
    switch (route) {
        case Route::boot_ipxe:
            return "/boot.ipxe";
        case Route::ipxe:
            return "/ipxe";
        case Route::config:
            return "/config";
        case Route::checkpoint:
            return "/checkpoint";
        case Route::files:
            return "/files";
        case Route::events:
            return "/events";
        case Route::metrics:
            return "/metrics";
        case Route::other:
        case Route::Count:
            break;
    }
    return "other";
}

HttpMetrics::HttpMetrics() {
    for (auto& r : routes_)
        r = std::make_unique<PerRoute>();
}

void HttpMetrics::observe(const http::Request& req, const http::Exchange& ex) {
    PerRoute& r = *routes_[static_cast<size_t>(routeOf(req.path))];
    r.codes[ex.status < kCodes ? ex.status : 0].fetch_add(1, std::memory_order_relaxed);
    r.duration.observe(static_cast<double>(ex.elapsed.count()) / 1e6);
    r.bytes.fetch_add(ex.bytes, std::memory_order_relaxed);
}

void HttpMetrics::collect(metrics::Exposition& out) const {
    for (size_t i = 0; i < routes_.size(); ++i) {
        const std::string route(routeName(static_cast<Route>(i)));
        const PerRoute& r = *routes_[i];
        bool any = false;
        for (size_t code = 0; code < kCodes; ++code) {
            const uint64_t n = r.codes[code].load(std::memory_order_relaxed);
            if (n == 0)
                continue;
            any = true;
            out.counter("vaquero_http_requests_total",
                        "HTTP requests answered, by route and status code.",
                        {{"route", route}, {"code", std::to_string(code)}}, static_cast<double>(n));
        }
        if (!any)
            continue;
        out.histogram("vaquero_http_request_duration_seconds",
                      "Time from a request's arrival to its answer sent, by route.",
                      {{"route", route}}, r.duration.snapshot());
        out.counter("vaquero_http_response_bytes_total", "Body bytes sent, by route.",
                    {{"route", route}},
                    static_cast<double>(r.bytes.load(std::memory_order_relaxed)));
    }
}

}  // namespace vq::agent
