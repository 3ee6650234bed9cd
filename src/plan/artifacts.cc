#include "plan/artifacts.h"

#include <utility>

#include "plan/hash.h"
#include <fmt/format.h>

#include "model/host_roles.h"
#include "render/compiled.h"

namespace vq::plan {
namespace {

void appendContainer(std::string& out, const char* list, size_t i, const model::Container& c) {
    out += fmt::format("{}[{}]:\n  image: {}\n", list, i, c.image);
    if (c.pull)
        out += "  pull: true\n";
    if (!c.command.empty())
        out += fmt::format("  command: {}\n", c.command);
    for (const auto& a : c.args)
        out += fmt::format("  arg: {}\n", a);
    for (const auto& cmd : c.commands)
        out += fmt::format("  commands: {}\n", cmd);
    for (const auto& [k, v] : c.env)
        out += fmt::format("  env: {}={}\n", k, v);
    if (c.registry_auth) {
        out +=
            fmt::format("  registry_auth: url={} username={} password={}\n", c.registry_auth->url,
                        c.registry_auth->username, c.registry_auth->password);
    }
    if (c.retry != 0)
        out += fmt::format("  retry: {}\n", c.retry);
    if (c.timeout != 0)
        out += fmt::format("  timeout: {}\n", c.timeout);
}

void hashArtifact(Fnv64& h, const Artifact& a) {
    h.number(a.bytes ? 1 : 0).field(a.bytes ? *a.bytes : std::string()).field(a.error);
}

}  // namespace

uint64_t StageArtifacts::hash() const {
    Fnv64 h;
    h.field(boot);
    hashArtifact(h, ipxe);
    hashArtifact(h, config);
    h.field(containers);
    return h.digest();
}

bool HostArtifacts::renderFailed() const {
    for (const auto& s : stages) {
        if (!s.ipxe.error.empty() || !s.config.error.empty())
            return true;
    }
    return false;
}

std::string bootMac(const model::Host& host) {
    if (const model::Interface* i = model::bootInterface(host))
        return i->mac->toString();
    for (const auto& [k, v] : host.selectors) {
        if (k == "mac") {
            if (auto mac = MacAddr::parse(v))
                return mac->toString();
        }
    }
    return {};
}

std::string containersText(const model::Boot& boot) {
    std::string out;
    for (size_t i = 0; i < boot.validate.size(); ++i)
        appendContainer(out, "validate", i, boot.validate[i]);
    for (size_t i = 0; i < boot.before_shutdown.size(); ++i)
        appendContainer(out, "before_shutdown", i, boot.before_shutdown[i]);
    return out;
}

ArtifactRenderer::ArtifactRenderer(std::shared_ptr<const model::Model> model)
    : compiled_(render::CompiledModel::build(std::move(model))) {}

Artifact ArtifactRenderer::fromOutcome(const render::Outcome& out, const model::Host& host) const {
    Artifact a;
    if (out.ok()) {
        // Another host answering this MAC (seed-era selectors) means this one is not served.
        if (out.host == host.name)
            a.bytes = out.body;
    } else if (out.status >= 500) {
        a.error = out.reason;
    }
    return a;
}

HostArtifacts ArtifactRenderer::render(const model::Site& site, const model::Host& host) const {
    const model::Model& m = compiled_->model();
    render::RendererOptions options;
    options.site = site.id;
    const render::BootRenderer renderer(compiled_, options);
    const std::string mac = bootMac(host);
    HostArtifacts result;
    for (const auto& boot_id : model::stageBoots(m, host)) {
        StageArtifacts stage;
        stage.boot = boot_id;
        const model::Boot* boot = m.boot(boot_id);
        render::BootRequest req;
        req.mac = mac;
        req.boot = boot_id;
        req.platform = "pcbios";
        req.agent_url = std::string(kPlanAgentUrl);
        if (!mac.empty())
            stage.ipxe = fromOutcome(renderer.ipxe(req), host);
        if (boot != nullptr && boot->unattended && !boot->unattended->use.empty()) {
            if (host.selectors.empty()) {
                if (!mac.empty())
                    stage.config = fromOutcome(renderer.config(req), host);
            } else if (boot_id == host.boot) {
                // Seed-era hosts are known by their selectors: /<type>?<selectors>.
                stage.config = fromOutcome(
                    renderer.typed(boot->unattended->type, host.selectors, kPlanAgentUrl), host);
            }
        }
        if (boot != nullptr)
            stage.containers = containersText(*boot);
        result.stages.push_back(std::move(stage));
    }
    return result;
}

}  // namespace vq::plan
