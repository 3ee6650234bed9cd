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

// The containers as the runner would get them, one field per line.
std::string containersOf(const model::Boot* boot) {
    if (boot == nullptr)
        return {};
    std::string out;
    auto add = [&out](const char* list, const std::vector<model::Container>& cs) {
        for (const auto& c : cs) {
            out += fmt::format("{}\nimage={}\npull={}\ncommand={}\nretry={}\ntimeout={}\n", list,
                               c.image, c.pull, c.command, c.retry, c.timeout);
            for (const auto& a : c.args)
                out += "arg=" + a + "\n";
            for (const auto& cmd : c.commands)
                out += "cmd=" + cmd + "\n";
            for (const auto& [k, v] : c.env)
                out += "env=" + k + "=" + v + "\n";
        }
    };
    add("validate", boot->validate);
    add("before_shutdown", boot->before_shutdown);
    return out;
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
            for (auto boot : workflow::stageBoots(*model, host)) {
                a.boots.emplace_back(boot);
                a.containers.push_back(containersOf(model->boot(boot)));
            }
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
    std::vector<std::string> parts;
    for (size_t i = 0; i < after.containers.size() && i < before.containers.size(); ++i) {
        if (before.containers[i] != after.containers[i])
            parts.push_back(fmt::format("stage {} ({}) containers changed", i + 1, after.boots[i]));
    }
    if (before.scripts.size() != after.scripts.size())
        parts.push_back("its boot MAC appeared or went away");
    for (size_t i = 0; i < after.scripts.size() && i < before.scripts.size(); ++i) {
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
