#include "render/boot_renderer.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "base/mac_addr.h"
#include "ipxe/cmdline.h"
#include "ipxe/script.h"
#include "render/ignition.h"
#include "render/typed_host_lookup.h"

namespace vq::render {
namespace {

Outcome failure(unsigned status, std::string reason) {
    Outcome o;
    o.status = status;
    o.reason = std::move(reason);
    o.body = fmt::format("{}\n", status == 404   ? "not found"
                                 : status == 400 ? "bad request"
                                                 : "internal error");
    return o;
}

void describe(Outcome& o,
              const model::Site* site,
              const model::Host* host,
              const model::Boot* boot,
              std::string_view mac) {
    if (site != nullptr)
        o.site = site->id;
    if (host != nullptr)
        o.host = host->name;
    if (boot != nullptr)
        o.boot = boot->id;
    o.mac = std::string(mac);
}

// The failure for a resolved request, naming its site, host, boot and MAC for the logs.
template <typename Target>
Outcome failureFor(const Target& t, unsigned status, std::string reason) {
    Outcome o = failure(status, std::move(reason));
    describe(o, t.site, t.host, t.boot, t.mac);
    return o;
}

std::string_view extension(std::string_view name) {
    size_t dot = name.rfind('.');
    return dot == std::string_view::npos ? std::string_view() : name.substr(dot);
}

}  // namespace

std::string firstBoot(const model::Model& model, const model::Host& host) {
    if (!host.boot.empty())
        return host.boot;
    const model::Workflow* wf = model.workflow(host.workflow);
    if (wf == nullptr || wf->stages.empty())
        return {};
    return wf->stages.front().boot;
}

std::string BootRenderer::contentType(std::string_view type, std::string_view asset_name) {
    if (type == "ignition")
        return "application/json";
    if (type == "cloud-config")
        return "text/cloud-config; charset=utf-8";
    std::string_view ext = extension(asset_name);
    if (type == "untyped") {
        if (ext == ".xml")
            return "application/xml";
        if (ext == ".json")
            return "application/json";
        if (ext == ".sh")
            return "text/x-shellscript; charset=utf-8";
    }
    return "text/plain; charset=utf-8";
}

BootRenderer::BootRenderer(std::shared_ptr<const CompiledModel> compiled, RendererOptions options)
    : compiled_(std::move(compiled)), options_(std::move(options)) {}

bool BootRenderer::resolve(const BootRequest& req, Target& t, Outcome& out) const {
    auto mac = MacAddr::parse(req.mac);
    if (!mac) {
        out = failure(
            400, req.mac.empty() ? "no mac given" : fmt::format("malformed mac '{}'", req.mac));
        return false;
    }
    t.mac = mac->toString();
    const model::Model& m = compiled_->model();
    model::HostMatch match = m.findByMac(options_.site, *mac);
    if (!match)
        match = m.findBySelectors(options_.site, {{"mac", t.mac}});
    if (!match) {
        out = failure(404, fmt::format("no host with mac {}", t.mac));
        out.mac = t.mac;
        return false;
    }
    t.site = match.site;
    t.host = match.host;
    t.iface = match.iface;
    t.agent_url = req.agent_url.empty() ? defaultAgentUrl(*t.site, options_.agent) : req.agent_url;
    return resolveBoot(req.boot, t, out);
}

bool BootRenderer::resolveBoot(std::string_view requested, Target& t, Outcome& out) const {
    const model::Model& m = compiled_->model();
    std::string id;
    if (requested.empty()) {
        id =
            options_.current_boot ? options_.current_boot(*t.site, *t.host) : firstBoot(m, *t.host);
    } else {
        bool allowed = t.host->boot == requested;
        if (const model::Workflow* wf = m.workflow(t.host->workflow)) {
            allowed =
                allowed || std::any_of(wf->stages.begin(), wf->stages.end(),
                                       [&](const model::Stage& s) { return s.boot == requested; });
        }
        if (!allowed) {
            out = failure(404, fmt::format("boot '{}' is not part of host {}'s workflow '{}'",
                                           requested, t.host->name, t.host->workflow));
            describe(out, t.site, t.host, nullptr, t.mac);
            return false;
        }
        id = std::string(requested);
    }
    t.boot = id.empty() ? nullptr : m.boot(id);
    if (t.boot == nullptr) {
        out = failure(404, fmt::format("host {} has no boot (workflow '{}', boot '{}')",
                                       t.host->name, t.host->workflow, id));
        describe(out, t.site, t.host, nullptr, t.mac);
        return false;
    }
    t.os = m.os(t.boot->operating_system);
    return true;
}

tmpl::Value BootRenderer::dot(const Target& t) const {
    DotInput in;
    in.site = compiled_->siteDot(*t.site);
    in.site_model = t.site;
    in.host = t.host;
    in.iface = t.iface;
    in.boot_base = compiled_->bootBase(*t.boot);
    in.boot_id = t.boot->id;
    in.agent_url = t.agent_url;
    in.mac = t.mac;
    return buildDot(in);
}

Outcome BootRenderer::ipxe(const BootRequest& req) const {
    Target t;
    Outcome out;
    if (!resolve(req, t, out))
        return out;
    describe(out, t.site, t.host, t.boot, t.mac);
    if (t.os == nullptr) {
        return failureFor(t, 500,
                          fmt::format("boot {} names unknown operating system '{}'", t.boot->id,
                                      t.boot->operating_system));
    }
    const tmpl::Value d = dot(t);
    const tmpl::FuncMap funcs =
        CompiledModel::checkpointOverride(checkpointUrl(t.agent_url, t.mac, t.boot->id));
    auto fail = [&](const Status& s) {
        Outcome f = failureFor(t, 500,
                               fmt::format("rendering boot {} for host {}: {}", t.boot->id,
                                           t.host->name, s.message()));
        f.detail = s.message();
        return f;
    };
    const model::Os& os = *t.os;
    ipxe::BootScript script;
    // Template names come from the snapshot; formatted here only for an OS it lacks.
    const CompiledModel::OsNames* names = compiled_->osNames(os);
    std::string scratch;
    auto kernel = renderOsValue(
        [&]() -> std::string_view {
            return names ? std::string_view(names->kernel)
                         : std::string_view(scratch = CompiledModel::kernelName(os));
        },
        os.kernel, d, funcs);
    if (!kernel)
        return fail(kernel.status());
    script.kernel = std::move(kernel).value();
    for (size_t i = 0; i < os.initrd.size(); ++i) {
        auto initrd = renderOsValue(
            [&]() -> std::string_view {
                return names && i < names->initrds.size()
                           ? std::string_view(names->initrds[i])
                           : std::string_view(scratch = CompiledModel::initrdName(os, i));
            },
            os.initrd[i], d, funcs);
        if (!initrd)
            return fail(initrd.status());
        script.initrds.push_back(std::move(initrd).value());
    }
    // Each cmdline value is its own template, addressed by entry and position.
    auto tokens = ipxe::translateCmdline(
        os.cmdline, [&](size_t entry, size_t value, std::string_view text) -> Result<std::string> {
            return renderOsValue(
                [&]() -> std::string_view {
                    if (names && entry < names->cmdline.size() &&
                        value < names->cmdline[entry].size()) {
                        return names->cmdline[entry][value];
                    }
                    return scratch = CompiledModel::cmdlineName(os, entry, value);
                },
                text, d, funcs);
        });
    if (!tokens)
        return fail(tokens.status());
    script.args = std::move(tokens).value();
    if (ipxe::isEfiPlatform(req.platform))
        ipxe::addEfiInitrdArgs(script);
    if (t.boot->unattended) {
        ipxe::appendMissing(script.args,
                            ipxe::unattendedArgs(t.boot->unattended->type,
                                                 configUrl(t.agent_url, t.mac, t.boot->id)));
    }
    out.body = ipxe::formatScript(script);
    out.content_type = "text/plain; charset=utf-8";
    return out;
}

Outcome BootRenderer::renderConfig(const Target& t, bool translate) const {
    if (!t.boot->unattended || t.boot->unattended->use.empty()) {
        return failureFor(t, 404, fmt::format("boot {} has no unattended config", t.boot->id));
    }
    const model::Unattended& u = *t.boot->unattended;
    const tmpl::Value d = dot(t);
    const tmpl::FuncMap funcs =
        CompiledModel::checkpointOverride(checkpointUrl(t.agent_url, t.mac, t.boot->id));
    auto text = compiled_->renderAsset(u.type, u.use, d, &funcs);
    if (!text) {
        Outcome f =
            failureFor(t, 500,
                       fmt::format("rendering {} asset {} for host {} (boot {}): {}", u.type, u.use,
                                   t.host->name, t.boot->id, text.message()));
        f.detail = text.message();
        return f;
    }
    Outcome out;
    describe(out, t.site, t.host, t.boot, t.mac);
    out.content_type = contentType(u.type, u.use);
    if (u.type == "ignition" && translate) {
        IgnitionResult ign = translateIgnition(*text);
        if (!ign.ok()) {
            const ConfigIssue* first = nullptr;
            for (const auto& i : ign.issues) {
                if (i.error) {
                    first = &i;
                    break;
                }
            }
            return failureFor(t, 500,
                              fmt::format("ignition asset {} for host {} (boot {}): rendered "
                                          "line {}: {}{}{}",
                                          u.use, t.host->name, t.boot->id, first->line, first->path,
                                          first->path.empty() ? "" : ": ", first->message));
        }
        out.body = std::move(ign.json);
    } else {
        out.body = std::move(text).value();
    }
    return out;
}

Outcome BootRenderer::config(const BootRequest& req) const {
    Target t;
    Outcome out;
    if (!resolve(req, t, out))
        return out;
    return renderConfig(t);
}

Outcome BootRenderer::configTemplateOutput(const BootRequest& req) const {
    Target t;
    Outcome out;
    if (!resolve(req, t, out))
        return out;
    return renderConfig(t, /*translate=*/false);
}

Outcome BootRenderer::typed(std::string_view type,
                            const model::Selectors& query,
                            std::string_view agent_url) const {
    const model::Model& m = compiled_->model();
    model::HostMatch match = findTypedHost(m, options_.site, query);
    if (!match) {
        std::string q;
        for (const auto& [k, v] : query)
            q += fmt::format("{}{}={}", q.empty() ? "" : "&", k, v);
        return failure(404, fmt::format("no host matches selectors '{}'", q));
    }
    Target t;
    t.site = match.site;
    t.host = match.host;
    t.iface = match.iface;
    if (t.iface != nullptr && t.iface->mac)
        t.mac = t.iface->mac->toString();
    for (const auto* list : {&query, &match.host->selectors}) {
        for (const auto& [k, v] : *list) {
            if (t.mac.empty() && k == "mac") {
                if (auto mac = MacAddr::parse(v))
                    t.mac = mac->toString();
            }
        }
    }
    t.agent_url =
        agent_url.empty() ? defaultAgentUrl(*t.site, options_.agent) : std::string(agent_url);
    Outcome out;
    if (!resolveBoot("", t, out))
        return out;
    if (!t.boot->unattended || t.boot->unattended->type != type) {
        return failureFor(
            t, 404,
            fmt::format("host {}'s boot {} has no {} asset", t.host->name, t.boot->id, type));
    }
    return renderConfig(t);
}

Outcome BootRenderer::checkpoint(const BootRequest& req) const {
    Target t;
    Outcome out;
    if (!resolve(req, t, out))
        return out;
    describe(out, t.site, t.host, t.boot, t.mac);
    out.body = "ok\n";
    return out;
}

}  // namespace vq::render
