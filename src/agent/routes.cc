#include "agent/routes.h"

#include <fmt/format.h>

#include "agent/boot_routes.h"
#include "agent/http_metrics.h"
#include "http/static_files.h"

namespace vq::agent {
namespace {

struct Classified {
    const char* kind;
    std::optional<MacAddr> mac;
};

std::optional<MacAddr> macFromSegment(std::string_view rest) {
    const size_t slash = rest.find('/');
    auto decoded = http::percentDecode(rest.substr(0, slash));
    if (!decoded)
        return std::nullopt;
    return MacAddr::parse(*decoded);
}

Classified classify(const http::Request& req) {
    const std::string_view path = req.path;
    std::optional<MacAddr> mac;
    if (auto m = req.query.get("mac"))
        mac = MacAddr::parse(*m);
    // One classification of paths for events and metrics alike.
    switch (HttpMetrics::routeOf(path)) {
        case HttpMetrics::Route::ipxe:
            return {"HTTP_IPXE", mac};
        case HttpMetrics::Route::boot_ipxe:
            return {"HTTP_BOOT_IPXE", mac};
        case HttpMetrics::Route::config:
            if (path.rfind("/config/", 0) == 0)
                return {"HTTP_CONFIG", macFromSegment(path.substr(8))};
            return {"HTTP_CONFIG", mac};
        case HttpMetrics::Route::checkpoint:
            return {"HTTP_CHECKPOINT", macFromSegment(path.substr(12))};
        case HttpMetrics::Route::files:
            return {"HTTP_FILE", mac};
        default:
            return {"HTTP_REQUEST", mac};
    }
}

}  // namespace

void addEventRoutes(http::Router& router, Timeline& timeline) {
    router.exact("/events", [&timeline](const http::Request&) {
        return http::Response::json(200, timeline.summaryJson());
    });
    router.prefix("/events/", [&timeline](const http::Request& req) {
        auto decoded = http::percentDecode(req.rest);
        auto mac = decoded ? MacAddr::parse(*decoded) : std::nullopt;
        if (!mac)
            return http::Response::error(400, "not a MAC address: " + req.rest);
        return http::Response::json(200, timeline.hostJson(*mac));
    });
}

void addAgentRoutes(http::Router& router, const RouteContext& ctx) {
    http::FilesConfig files;
    files.base_dir = ctx.agent.asset_server.base_dir;
    if (!ctx.agent.asset_server.cdn_addr.empty() && ctx.agent.asset_server.cdn_port > 0) {
        files.cdn_addr = ctx.agent.asset_server.cdn_addr;
        files.cdn_port = static_cast<uint16_t>(ctx.agent.asset_server.cdn_port);
    }
    http::addFileRoutes(router, files);
    addBootRoutes(router, ctx);
    if (ctx.timeline != nullptr)
        addEventRoutes(router, *ctx.timeline);
}

http::Observer makeEventObserver(EventSink& sink) {
    return [&sink](const http::Request& req, const http::Exchange& ex) {
        if (req.path == "/events" || req.path.rfind("/events/", 0) == 0)
            return;
        const auto c = classify(req);
        HostEvent e;
        e.source = "http";
        e.kind = c.kind;
        e.mac = c.mac;
        e.ip = req.remote.ipv4();
        e.detail = fmt::format("path={} status={} bytes={} us={}", req.path, ex.status, ex.bytes,
                               ex.elapsed.count());
        if (auto boot = req.query.get("boot"))
            e.detail += fmt::format(" boot={}", *boot);
        sink.record(std::move(e));
    };
}

}  // namespace vq::agent
