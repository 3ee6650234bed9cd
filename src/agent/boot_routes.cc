#include "agent/boot_routes.h"

#include <fmt/format.h>

#include "base/log.h"
#include "ipxe/script.h"
#include "render/compiled.h"
#include "render/dot.h"

namespace vq::agent {
namespace {

http::Response toResponse(render::Outcome&& o) {
    if (!o.ok())
        return http::Response::error(o.status, std::move(o.reason));
    return http::Response::text(200, std::move(o.body), std::move(o.content_type));
}

// scheme://<address the request arrived on>:<port>, falling back to asset_server.addr
// when the local address is not usable in a URL.
std::string agentUrl(const http::Request& req, const model::Agent& agent) {
    const auto& a = agent.asset_server;
    const std::string& addr = req.local.address;
    if (addr.empty() || addr == "0.0.0.0" || addr == "::" || req.local.port == 0) {
        return fmt::format("{}://{}:{}", a.scheme, a.addr, a.port);
    }
    return fmt::format("{}://{}", a.scheme, req.local.hostPort());
}

std::string pathMac(const http::Request& req) {
    std::string_view rest = req.rest;
    if (size_t slash = rest.find('/'); slash != std::string_view::npos)
        rest = rest.substr(0, slash);
    auto decoded = http::percentDecode(rest);
    return decoded ? *decoded : std::string();
}

}  // namespace

RendererCache::RendererCache(std::function<std::shared_ptr<const model::Model>()> model,
                             render::RendererOptions options,
                             CurrentBootFactory current_boot)
    : model_(std::move(model)),
      options_(std::move(options)),
      current_boot_(std::move(current_boot)) {}

std::shared_ptr<const render::BootRenderer> RendererCache::get() const {
    auto m = model_ ? model_() : nullptr;
    if (!m)
        return nullptr;
    std::lock_guard lock(mu_);
    if (!current_ || current_->compiled().modelPtr() != m)
        current_ = build(m);
    return current_;
}

std::shared_ptr<const render::BootRenderer> RendererCache::build(
    const std::shared_ptr<const model::Model>& m) const {
    render::RendererOptions options = options_;
    if (current_boot_)
        options.current_boot = current_boot_(m);
    return std::make_shared<render::BootRenderer>(render::CompiledModel::build(m), options);
}

std::shared_ptr<const render::BootRenderer> RendererCache::of(
    const std::shared_ptr<const model::Model>& m) const {
    // Hosts are pinned to few revisions at once (the one before a rollout, the rollout's).
    constexpr size_t kKept = 4;
    std::lock_guard lock(mu_);
    if (current_ && current_->compiled().modelPtr() == m)
        return current_;
    for (const auto& r : others_) {
        if (r->compiled().modelPtr() == m)
            return r;
    }
    others_.push_back(build(m));
    if (others_.size() > kKept)
        others_.erase(others_.begin());
    return others_.back();
}

namespace {

// The renderer a host is served from: the revision its manifest entry pins it to, when that
// is another snapshot than the current one and the host is in it.
std::shared_ptr<const render::BootRenderer> rendererFor(
    const RendererCache& cache,
    std::shared_ptr<const render::BootRenderer> current,
    control::StateManifest* manifest,
    control::RevisionFeed* revisions,
    const std::string& site,
    std::string_view mac_text) {
    if (!current || manifest == nullptr || revisions == nullptr)
        return current;
    const auto mac = MacAddr::parse(mac_text);
    if (!mac)
        return current;
    const model::Model& now = current->compiled().model();
    const model::HostMatch match = now.findByMac(site, *mac);
    if (!match)
        return current;
    const uint64_t pinned = manifest->served(*match.site, *match.host, now).revision;
    if (pinned == 0)
        return current;
    control::RevisionPtr rev = revisions->revision(pinned);
    if (!rev || !rev->model || rev->model == current->compiled().modelPtr() ||
        !rev->model->findByMac(site, *mac))
        return current;
    return cache.of(rev->model);
}

}  // namespace

void addBootRoutes(http::Router& router, const RouteContext& ctx) {
    render::RendererOptions options;
    options.site = ctx.site_id;
    options.agent = ctx.agent.name;
    control::StateManifest* manifest = ctx.manifest;
    CurrentBootFactory current_boot;
    if (manifest != nullptr) {
        // The snapshot outlives its renderer (the compiled model holds it), so the raw
        // pointer is safe for the function's lifetime.
        current_boot = [manifest](const std::shared_ptr<const model::Model>& m) {
            const model::Model* snapshot = m.get();
            return [manifest, snapshot](const model::Site& site, const model::Host& host) {
                return manifest->served(site, host, *snapshot).boot;
            };
        };
    }
    auto cache = std::make_shared<RendererCache>(ctx.model, options, std::move(current_boot));
    const model::Agent agent = ctx.agent;
    // The renderer for the host a request names by MAC.
    auto pick = [cache, manifest, revisions = ctx.revisions,
                 site = ctx.site_id](std::string_view mac) {
        return rendererFor(*cache, cache->get(), manifest, revisions, site, mac);
    };

    auto script = [](const http::Request&) {
        return http::Response::text(200, ipxe::defaultScript());
    };
    router.exact("/boot.ipxe", script);
    router.exact("/boot-ipxe", script);

    auto unavailable = [] { return http::Response::error(404, "no model loaded"); };

    router.exact("/ipxe", [pick, agent, unavailable](const http::Request& req) {
        auto r = pick(req.query.value("mac"));
        if (!r)
            return unavailable();
        render::BootRequest b{req.query.value("mac"), req.query.value("boot"),
                              req.query.value("platform"), agentUrl(req, agent)};
        return toResponse(r->ipxe(b));
    });
    router.prefix("/config/", [pick, agent, unavailable](const http::Request& req) {
        auto r = pick(pathMac(req));
        if (!r)
            return unavailable();
        render::BootRequest b{pathMac(req), req.query.value("boot"), {}, agentUrl(req, agent)};
        return toResponse(r->config(b));
    });
    router.prefix(
        "/checkpoint/",
        [pick, agent, unavailable, report = ctx.report](const http::Request& req) {
            auto r = pick(pathMac(req));
            if (!r)
                return unavailable();
            render::BootRequest b{pathMac(req), req.query.value("boot"), {}, agentUrl(req, agent)};
            render::Outcome o = r->checkpoint(b);
            if (!o.ok())
                return toResponse(std::move(o));
            VQ_LOG_INFO("HOST_CHECKPOINT mac={} host={} boot={} site={}", o.mac, o.host, o.boot,
                        o.site);
            if (report == nullptr)
                return toResponse(std::move(o));
            auto summary = report->checkpoint(o.site, o.host, o.boot);
            if (!summary)
                return http::Response::error(http::httpStatusFor(summary.code()),
                                             summary.message());
            return http::Response::text(200, *summary + "\n");
        },
        http::Methods{http::Method::get, http::Method::head, http::Method::post});
    for (const char* type : {"cloud-config", "ignition", "kickstart", "untyped"}) {
        router.exact(std::string("/") + type,
                     [cache, agent, unavailable, type](const http::Request& req) {
                         auto r = cache->get();
                         if (!r)
                             return unavailable();
                         return toResponse(r->typed(type, req.query.items(), agentUrl(req, agent)));
                     });
    }
}

}  // namespace vq::agent
