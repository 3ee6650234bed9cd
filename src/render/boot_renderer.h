#pragma once
// What a booting machine receives, computed from a compiled model snapshot: the iPXE
// script of its current boot, its rendered unattended config, the seed-era typed
// endpoints. Shared by the agent's HTTP handlers and `vaquero preview`, so a preview is
// byte for byte what the server sends. Everything is rendered into a buffer first: a
// failed render yields an error outcome, never half a document.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/model.h"
#include "render/compiled.h"

namespace vq::render {

struct Outcome {
    unsigned status = 200;  // 200, 400 (bad request), 404 (unknown host/boot), 500 (render)
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
    std::string reason;  // why an error status, for the log
    std::string detail;  // the underlying render error alone (no host or boot named)
    // What was served, for events and logs (empty when unknown).
    std::string site, host, boot, mac;
    bool ok() const { return status == 200; }
};

struct BootRequest {
    std::string mac;        // as received: colon, hyphen or bare form, any case
    std::string boot;       // ?boot=: a boot of the host's workflow; empty = current boot
    std::string platform;   // iPXE ${platform}: "efi" adds initrd=<name> arguments
    std::string agent_url;  // scheme://addr:port the host reached us on; empty = env default
};

// Which boot of its workflow a host is in. The default (no workflow state yet) is the
// first stage; the workflow engine replaces it.
using CurrentBootFn = std::function<std::string(const model::Site&, const model::Host&)>;

struct RendererOptions {
    std::string site;   // the agent's site (env id or directory); empty = any site
    std::string agent;  // the agent's name, for the default agentURL
    CurrentBootFn current_boot;
};

class BootRenderer {
public:
    BootRenderer(std::shared_ptr<const CompiledModel> compiled, RendererOptions options = {});

    // /ipxe?mac=..: the host's boot script.
    Outcome ipxe(const BootRequest& req) const;
    // /config/<mac>?boot=..: the rendered unattended config.
    Outcome config(const BootRequest& req) const;
    // The asset's template output before any per-type translation (for validation).
    Outcome configTemplateOutput(const BootRequest& req) const;
    // Seed-era /cloud-config, /ignition, /kickstart, /untyped?<selectors>: the asset of that
    // type for the host the query selects (findTypedHost: seed-era selector rules, then mac,
    // hostname or name in every generation).
    Outcome typed(std::string_view type,
                  const model::Selectors& query,
                  std::string_view agent_url) const;
    // /checkpoint/<mac>?boot=..: checks host and boot exist; the caller records the event.
    Outcome checkpoint(const BootRequest& req) const;

    const CompiledModel& compiled() const { return *compiled_; }

    // Content type served for an unattended config of this type (and asset file name).
    static std::string contentType(std::string_view type, std::string_view asset_name);

private:
    struct Target {
        const model::Site* site = nullptr;
        const model::Host* host = nullptr;
        const model::Interface* iface = nullptr;
        const model::Boot* boot = nullptr;
        const model::Os* os = nullptr;
        std::string mac;        // canonical
        std::string agent_url;  // resolved
    };
    // Finds host and boot; on failure fills `out` with 400/404.
    bool resolve(const BootRequest& req, Target& t, Outcome& out) const;
    bool resolveBoot(std::string_view requested, Target& t, Outcome& out) const;
    tmpl::Value dot(const Target& t) const;
    Outcome renderConfig(const Target& t, bool translate = true) const;
    // `name` is only called when the text holds template actions.
    template <typename NameFn>
    Result<std::string> renderOsValue(const NameFn& name,
                                      std::string_view text,
                                      const tmpl::Value& dot,
                                      const tmpl::FuncMap& funcs) const {
        if (text.find("{{") == std::string_view::npos)
            return std::string(text);
        return compiled_->renderOs(name(), dot, &funcs);
    }

    std::shared_ptr<const CompiledModel> compiled_;
    RendererOptions options_;
};

// The default boot of a host: the seed era's group boot, else its workflow's first stage.
std::string firstBoot(const model::Model& model, const model::Host& host);

}  // namespace vq::render
