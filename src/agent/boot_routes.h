#pragma once
// The boot path's HTTP endpoints on the agent's router:
//   /boot.ipxe, /boot-ipxe         the default iPXE script
//   /ipxe?mac=..[&platform=..]     the host's boot script (kernel, initrds, cmdline)
//   /config/<mac>[?boot=..]        the host's rendered unattended config
//   /checkpoint/<mac>[?boot=..]    the booted host reports success (GET or POST); reported
//                                  to the server, which moves the host to its next stage
//   /cloud-config, /ignition, /kickstart, /untyped?<selectors>   seed-era typed endpoints
// Every answer comes from render::BootRenderer over a compiled snapshot, compiled once per
// snapshot: the current model's, or, for a host the manifest pins to an older revision,
// that revision's (so a host mid-install keeps getting the bytes it started with); agentURL
// is built from the address the request arrived on. Events are recorded by the HTTP server's
// observer (makeEventObserver).

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "agent/routes.h"
#include "http/router.h"
#include "render/boot_renderer.h"

namespace vq::agent {

// Builds the current-boot function of one model snapshot (the state manifest's view).
using CurrentBootFactory =
    std::function<render::CurrentBootFn(const std::shared_ptr<const model::Model>&)>;

// Keeps the compiled form of the newest model snapshot; thread-safe.
class RendererCache {
public:
    RendererCache(std::function<std::shared_ptr<const model::Model>()> model,
                  render::RendererOptions options,
                  CurrentBootFactory current_boot = {});
    // The renderer for the current snapshot, or null when there is no model yet.
    std::shared_ptr<const render::BootRenderer> get() const;
    // The renderer of another snapshot (a pinned revision's); a few are kept.
    std::shared_ptr<const render::BootRenderer> of(
        const std::shared_ptr<const model::Model>& m) const;

private:
    std::shared_ptr<const render::BootRenderer> build(
        const std::shared_ptr<const model::Model>& m) const;

    std::function<std::shared_ptr<const model::Model>()> model_;
    render::RendererOptions options_;
    CurrentBootFactory current_boot_;
    mutable std::mutex mu_;
    mutable std::shared_ptr<const render::BootRenderer> current_;
    mutable std::vector<std::shared_ptr<const render::BootRenderer>> others_;  // newest last
};

void addBootRoutes(http::Router& router, const RouteContext& ctx);

}  // namespace vq::agent
