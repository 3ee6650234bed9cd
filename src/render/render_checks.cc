#include "render/render_checks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "render/boot_renderer.h"
#include "render/compiled.h"
#include "render/config_checks.h"
#include "render/ignition.h"

namespace vq::render {
namespace {

class Collector {
public:
    explicit Collector(bool collapse) : collapse_(collapse) {}

    // `message` must not name the host: repeats across hosts are collapsed by it.
    void add(model::Severity sev,
             std::string file,
             int line,
             std::string path,
             std::string message,
             const std::string& host) {
        auto key = std::make_tuple(file, line, path, message, sev);
        auto it = index_.find(key);
        if (collapse_ && it != index_.end()) {
            ++repeats_[it->second];
            return;
        }
        model::Diagnostic d;
        d.file = std::move(file);
        d.line = line;
        d.col = line > 0 ? 1 : 0;
        d.severity = sev;
        d.path = std::move(path);
        d.message = fmt::format("host {}: {}", host, message);
        index_.emplace(std::move(key), list_.size());
        list_.push_back(std::move(d));
        repeats_.push_back(0);
    }

    std::vector<model::Diagnostic> take() {
        for (size_t i = 0; i < list_.size(); ++i) {
            if (repeats_[i] > 0) {
                list_[i].message +=
                    fmt::format(" (and {} more host{})", repeats_[i], repeats_[i] == 1 ? "" : "s");
            }
        }
        return std::move(list_);
    }

private:
    bool collapse_;
    std::vector<model::Diagnostic> list_;
    std::vector<size_t> repeats_;
    std::map<std::tuple<std::string, int, std::string, std::string, model::Severity>, size_t>
        index_;
};

// "template: NAME:LINE:COL: ..." -> LINE (0 when absent).
int templateLine(const std::string& error) {
    const std::string prefix = "template: ";
    if (error.rfind(prefix, 0) != 0)
        return 0;
    size_t colon = error.find(':', prefix.size());
    if (colon == std::string::npos)
        return 0;
    int line = 0;
    for (size_t i = colon + 1;
         i < error.size() && std::isdigit(static_cast<unsigned char>(error[i])); ++i) {
        line = line * 10 + (error[i] - '0');
        if (line > 10'000'000)
            return 0;
    }
    return line;
}

std::string hostMac(const model::Host& host) {
    for (const auto& i : host.interfaces) {
        if (i.mac && i.type != "bmc")
            return i.mac->toString();
    }
    for (const auto& i : host.interfaces) {
        if (i.mac)
            return i.mac->toString();
    }
    for (const auto& [k, v] : host.selectors) {
        if (k == "mac")
            return v;
    }
    return {};
}

std::vector<std::string> bootsOf(const model::Model& m, const model::Host& host) {
    std::vector<std::string> boots;
    if (!host.boot.empty())
        boots.push_back(host.boot);
    if (const auto* wf = m.workflow(host.workflow)) {
        for (const auto& s : wf->stages) {
            if (std::find(boots.begin(), boots.end(), s.boot) == boots.end()) {
                boots.push_back(s.boot);
            }
        }
    }
    return boots;
}

void checkSelectorTies(const model::Site& site, Collector& out) {
    std::map<std::set<std::pair<std::string, std::string>>, const model::Host*> seen;
    for (const auto& host : site.hosts) {
        if (host.selectors.empty())
            continue;
        std::set<std::pair<std::string, std::string>> key(host.selectors.begin(),
                                                          host.selectors.end());
        auto [it, fresh] = seen.emplace(std::move(key), &host);
        if (!fresh) {
            out.add(model::Severity::Warning, host.origin.file, host.origin.line, "selectors",
                    fmt::format("same selectors as host {}, which always wins the tie",
                                it->second->name),
                    host.name);
        }
    }
}

}  // namespace

std::vector<model::Diagnostic> renderChecks(const std::shared_ptr<const model::Model>& model,
                                            const RenderCheckOptions& options) {
    Collector out(options.collapse_repeats);
    if (!model)
        return {};
    const model::Model& m = *model;
    tmpl::Options strict;
    strict.missing_key = tmpl::MissingKey::Error;
    auto compiled = CompiledModel::build(model, strict);
    for (const auto& site : m.sites()) {
        checkSelectorTies(site, out);
        RendererOptions site_only;
        site_only.site = site.id;
        BootRenderer site_renderer(compiled, site_only);
        for (const auto& host : site.hosts) {
            const std::string mac = hostMac(host);
            if (mac.empty())
                continue;  // the model's validator reports hosts without a MAC
            for (const auto& boot_id : bootsOf(m, host)) {
                const model::Boot* boot = m.boot(boot_id);
                if (boot == nullptr)
                    continue;
                const model::Os* os = m.os(boot->operating_system);
                BootRequest req{mac, boot_id, "pcbios", ""};
                Outcome ipxe = site_renderer.ipxe(req);
                if (!ipxe.ok() && ipxe.status == 500) {
                    out.add(model::Severity::Error, os ? os->origin.file : boot->origin.file, 0, "",
                            fmt::format("boot {}: {}", boot_id, ipxe.detail), host.name);
                }
                if (!boot->unattended || boot->unattended->use.empty())
                    continue;
                const auto& u = *boot->unattended;
                const std::string file = fmt::format("assets/{}/{}", u.type, u.use);
                Outcome config = site_renderer.config(req);
                if (!config.ok() && u.type == "ignition" && config.status == 500) {
                    // Report the translation's issues below, one per problem.
                    Outcome raw = site_renderer.configTemplateOutput(req);
                    if (raw.ok())
                        config = std::move(raw);
                }
                if (!config.ok()) {
                    if (config.status == 500) {
                        out.add(model::Severity::Error, file, templateLine(config.detail), "",
                                fmt::format("boot {}: {}", boot_id, config.detail), host.name);
                    }
                    continue;
                }
                std::vector<ConfigIssue> issues;
                if (u.type == "cloud-config") {
                    issues = checkCloudConfig(config.body);
                } else if (u.type == "kickstart") {
                    issues = checkKickstart(config.body);
                } else if (u.type == "ignition") {
                    // Lines are those of the template output the translation ran on.
                    Outcome raw = site_renderer.configTemplateOutput(req);
                    if (raw.ok())
                        issues = translateIgnition(raw.body).issues;
                }
                for (const auto& i : issues) {
                    out.add(i.error ? model::Severity::Error : model::Severity::Warning, file, 0,
                            i.path,
                            fmt::format("boot {}: rendered {} line {}: {}", boot_id, u.type, i.line,
                                        i.message),
                            host.name);
                }
            }
        }
    }
    return out.take();
}

}  // namespace vq::render
