#include "server/served_artifacts.h"

#include <fmt/format.h>

#include "render/boot_renderer.h"
#include "render/compiled.h"
#include "workflow/engine.h"

namespace vq::server {
namespace {

// The MAC the renderer finds the host by: its first physical interface's, else any.
std::string renderMac(const model::Host& host) {
    const model::Interface* any = nullptr;
    for (const auto& i : host.interfaces) {
        if (!i.mac)
            continue;
        if (i.type != "bmc")
            return i.mac->toString();
        if (any == nullptr)
            any = &i;
    }
    return any != nullptr ? any->mac->toString() : std::string();
}

std::string bytesOf(const render::Outcome& out) {
    return std::to_string(out.status) + "\n" + (out.ok() ? out.body : out.detail);
}

}  // namespace

std::string hostKey(const model::Site& site, const model::Host& host) {
    return site.id + "/" + host.name;
}

std::map<std::string, ServedArtifacts> servedArtifacts(
    const std::shared_ptr<const model::Model>& model) {
    std::map<std::string, ServedArtifacts> out;
    if (!model)
        return out;
    auto compiled = render::CompiledModel::build(model);
    for (const auto& site : model->sites()) {
        render::RendererOptions options;
        options.site = site.id;
        render::BootRenderer renderer(compiled, options);
        for (const auto& host : site.hosts) {
            ServedArtifacts a;
            a.workflow = host.workflow;
            for (auto boot : workflow::stageBoots(*model, host))
                a.boots.emplace_back(boot);
            const std::string mac = renderMac(host);
            if (!mac.empty()) {
                for (const auto& boot : a.boots) {
                    render::BootRequest req;
                    req.mac = mac;
                    req.boot = boot;
                    req.platform = kComparePlatform;
                    req.agent_url = kCompareAgentUrl;
                    a.scripts.push_back(bytesOf(renderer.ipxe(req)));
                    a.configs.push_back(bytesOf(renderer.config(req)));
                }
            }
            out[hostKey(site, host)] = std::move(a);
        }
    }
    return out;
}

std::string whatChanged(const ServedArtifacts& before, const ServedArtifacts& after) {
    if (before.workflow != after.workflow || before.boots != after.boots)
        return fmt::format("workflow changed ({} -> {})",
                           before.workflow.empty() ? "-" : before.workflow,
                           after.workflow.empty() ? "-" : after.workflow);
    if (before.scripts.size() != after.scripts.size())
        return "its boot MAC appeared or went away";
    std::vector<std::string> parts;
    for (size_t i = 0; i < after.scripts.size(); ++i) {
        const bool script = before.scripts[i] != after.scripts[i];
        const bool config = before.configs[i] != after.configs[i];
        if (!script && !config)
            continue;
        parts.push_back(fmt::format("stage {} ({}) {} changed", i + 1, after.boots[i],
                                    script && config ? "script and config"
                                    : script         ? "script"
                                                     : "config"));
    }
    std::string why;
    for (const auto& p : parts)
        why += (why.empty() ? "" : ", ") + p;
    return why;
}

}  // namespace vq::server
