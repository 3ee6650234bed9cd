#include "model/validate.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/text.h"
#include "model/template_check.h"

namespace vq::model {
namespace {

void err(Diagnostics& d, const std::string& file, Loc loc, std::string path, std::string msg) {
    d.error(file, loc.line, loc.col, std::move(path), std::move(msg));
}

void warn(Diagnostics& d, const std::string& file, Loc loc, std::string path, std::string msg) {
    d.warning(file, loc.line, loc.col, std::move(path), std::move(msg));
}

// Reports every id defined twice within one kind, pointing at the later definition.
template <typename T>
void checkDuplicateIds(const std::vector<T>& items, const char* kind, Diagnostics& d) {
    StringMap<const T*> seen;
    for (const T& item : items) {
        if (item.id.empty())
            continue;
        auto [it, inserted] = seen.emplace(item.id, &item);
        if (!inserted) {
            err(d, item.origin.file, item.id_loc, "id",
                fmt::format("duplicate {} id \"{}\" (first defined at {}:{})", kind, item.id,
                            it->second->origin.file, it->second->id_loc.line));
        }
    }
}

void checkSubnets(const Site& site, Diagnostics& d) {
    StringMap<const Subnet*> seen;
    for (size_t i = 0; i < site.subnets.size(); ++i) {
        const Subnet& s = site.subnets[i];
        const std::string path = fmt::format("subnets[{}]", i);
        if (!s.id.empty() && !seen.emplace(s.id, &s).second) {
            err(d, site.origin.file, s.loc, path + ".id",
                fmt::format("duplicate subnet id \"{}\"", s.id));
        }
        if (s.cidr && s.gateway && !s.cidr->contains(*s.gateway)) {
            warn(d, site.origin.file, s.gateway_loc, path + ".gateway",
                 fmt::format("gateway {} is outside subnet {} ({})", s.gateway_text, s.id,
                             s.cidr_text));
        }
    }
    StringMap<int> agents;
    for (size_t i = 0; i < site.agents.size(); ++i) {
        const Agent& a = site.agents[i];
        if (!a.name.empty() && !agents.emplace(a.name, 0).second) {
            err(d, site.origin.file, site.id_loc, fmt::format("agents[{}].name", i),
                fmt::format("duplicate agent name \"{}\"", a.name));
        }
    }
}

void checkHosts(const Model& m, const Site& site, Diagnostics& d) {
    StringMap<const Host*> names;
    std::unordered_map<MacAddr, const Host*> macs;
    for (const Host& h : site.hosts) {
        const std::string& file = h.origin.file;
        if (!h.name.empty()) {
            auto [it, inserted] = names.emplace(h.name, &h);
            if (!inserted) {
                err(d, file, h.name_loc, "name",
                    fmt::format("duplicate host name \"{}\" in site {} (first at {}:{})", h.name,
                                site.id, it->second->origin.file, it->second->name_loc.line));
            }
        }
        if (!h.workflow.empty() && !m.workflow(h.workflow)) {
            err(d, file, h.ref_loc, "workflow",
                fmt::format("unknown workflow \"{}\" (no workflows/ document has this id)",
                            h.workflow));
        }
        if (!h.boot.empty() && !m.boot(h.boot)) {
            err(d, file, h.ref_loc, "boot",
                fmt::format("unknown boot \"{}\" (no boot/ document has this id)", h.boot));
        }
        for (size_t i = 0; i < h.interfaces.size(); ++i) {
            const Interface& iface = h.interfaces[i];
            const std::string path = fmt::format("interfaces[{}]", i);
            if (iface.mac) {
                auto [it, inserted] = macs.emplace(*iface.mac, &h);
                if (!inserted) {
                    err(d, file, iface.mac_loc, path + ".mac",
                        fmt::format("duplicate MAC {} in site {} (also on host {})",
                                    iface.mac->toString(), site.id, it->second->name));
                }
            }
            if (iface.subnet.empty())
                continue;
            const Subnet* s = site.subnet(iface.subnet);
            if (!s) {
                err(d, file, iface.subnet_loc, path + ".subnet",
                    fmt::format("unknown subnet \"{}\" (not in {} subnets)", iface.subnet,
                                site.origin.file.empty() ? "env" : site.origin.file));
                continue;
            }
            if (s->cidr && iface.ipv4 && !s->cidr->contains(*iface.ipv4)) {
                warn(d, file, iface.ipv4_loc, path + ".ipv4",
                     fmt::format("address {} of host {} is outside subnet {} ({})", iface.ipv4_text,
                                 h.name, s->id, s->cidr_text));
            }
        }
    }
}

void checkWorkflowRefs(const Model& m,
                       const Workflow& w,
                       const std::vector<std::string>& ids,
                       const std::vector<Loc>& locs,
                       const char* field,
                       Diagnostics& d) {
    for (size_t i = 0; i < ids.size() && i < locs.size(); ++i) {
        if (!m.workflow(ids[i])) {
            err(d, w.origin.file, locs[i], fmt::format("deps.{}[{}]", field, i),
                fmt::format("unknown workflow \"{}\"", ids[i]));
        }
    }
}

// A workflow that (through block_deps) waits for itself would never start: reports each
// cycle once, at the block_deps entry that closes it, naming the whole loop.
void checkBlockDepsCycles(const Model& m, Diagnostics& d) {
    const auto& wfs = m.workflows();
    enum class Mark : uint8_t { New, Open, Done };
    std::vector<Mark> mark(wfs.size(), Mark::New);
    auto indexOf = [&](std::string_view id) -> int {
        const Workflow* w = m.workflow(id);
        return w == nullptr ? -1 : static_cast<int>(w - wfs.data());
    };
    struct Frame {
        int wf;
        size_t next = 0;  // next block_deps entry to follow
    };
    for (size_t root = 0; root < wfs.size(); ++root) {
        if (mark[root] != Mark::New)
            continue;
        // Iterative depth-first search: a long chain of workflows never deepens the C++ stack.
        std::vector<Frame> stack{{static_cast<int>(root)}};
        mark[root] = Mark::Open;
        while (!stack.empty()) {
            Frame& f = stack.back();
            const Workflow& w = wfs[static_cast<size_t>(f.wf)];
            if (f.next >= w.deps.block_deps.size()) {
                mark[static_cast<size_t>(f.wf)] = Mark::Done;
                stack.pop_back();
                continue;
            }
            const size_t edge = f.next++;
            const int to = indexOf(w.deps.block_deps[edge]);
            // Ids that name no workflow (or a duplicate definition) are reported elsewhere.
            if (to < 0 ||
                &wfs[static_cast<size_t>(to)] != m.workflow(wfs[static_cast<size_t>(to)].id))
                continue;
            if (mark[static_cast<size_t>(to)] == Mark::Open) {
                std::string loop;
                bool in = false;
                for (const Frame& s : stack) {
                    in = in || s.wf == to;
                    if (in)
                        loop += wfs[static_cast<size_t>(s.wf)].id + " -> ";
                }
                loop += wfs[static_cast<size_t>(to)].id;
                const Loc at =
                    edge < w.deps.block_deps_locs.size() ? w.deps.block_deps_locs[edge] : w.id_loc;
                err(d, w.origin.file, at, fmt::format("deps.block_deps[{}]", edge),
                    fmt::format("block_deps cycle: {} (these workflows would wait for each "
                                "other forever)",
                                loop));
            } else if (mark[static_cast<size_t>(to)] == Mark::New) {
                mark[static_cast<size_t>(to)] = Mark::Open;
                stack.push_back(Frame{to});
            }
        }
    }
}

}  // namespace

bool unattendedFitsFamily(std::string_view type, std::string_view family) {
    const std::string f = toLowerAscii(family);
    if (f.empty())
        return true;
    if (type == "ignition") {
        return f.find("coreos") != std::string::npos || f.find("flatcar") != std::string::npos ||
               f.find("container linux") != std::string::npos || f == "rhcos";
    }
    if (type == "kickstart") {
        static constexpr std::string_view kFamilies[] = {
            "centos", "redhat", "rhel", "red hat", "fedora",   "scientific",
            "oracle", "rocky",  "alma", "atomic",  "almalinux"};
        return std::any_of(std::begin(kFamilies), std::end(kFamilies),
                           [&f](std::string_view k) { return f.find(k) != std::string::npos; });
    }
    return true;
}

void validateModel(const Model& m, Diagnostics& d) {
    validateDefinitions(m, d);
    for (const Site& site : m.sites()) {
        checkSubnets(site, d);
        checkHosts(m, site, d);
    }
}

bool SiteChecks::stillTrueOf(const Model& m) const {
    for (const auto& [id, found] : workflows) {
        if ((m.workflow(id) != nullptr) != found)
            return false;
    }
    for (const auto& [id, found] : boots) {
        if ((m.boot(id) != nullptr) != found)
            return false;
    }
    return true;
}

std::shared_ptr<const SiteChecks> checkSite(const Model& m, const Site& site) {
    auto out = std::make_shared<SiteChecks>();
    Diagnostics d;
    checkSubnets(site, d);
    checkHosts(m, site, d);
    checkHostTemplates(site, d);
    out->diagnostics = d.take();
    std::set<std::string_view> workflows, boots;
    for (const Host& h : site.hosts) {
        if (!h.workflow.empty())
            workflows.insert(h.workflow);
        if (!h.boot.empty())
            boots.insert(h.boot);
    }
    for (std::string_view id : workflows)
        out->workflows.emplace_back(std::string(id), m.workflow(id) != nullptr);
    for (std::string_view id : boots)
        out->boots.emplace_back(std::string(id), m.boot(id) != nullptr);
    return out;
}

void validateDefinitions(const Model& m, Diagnostics& d) {
    checkDuplicateIds(m.oses(), "os", d);
    checkDuplicateIds(m.boots(), "boot", d);
    checkDuplicateIds(m.workflows(), "workflow", d);

    StringMap<const Site*> site_ids;
    for (const Site& site : m.sites()) {
        if (!site_ids.emplace(site.id, &site).second) {
            err(d, site.origin.file, site.id_loc, "id",
                fmt::format("duplicate site id \"{}\" (also sites/{})", site.id,
                            site_ids[site.id]->dir));
        }
    }

    for (const Boot& b : m.boots()) {
        const std::string& file = b.origin.file;
        const Os* os = nullptr;
        if (!b.operating_system.empty()) {
            os = m.os(b.operating_system);
            if (!os) {
                err(d, file, b.os_loc, "operating_system",
                    fmt::format("unknown os \"{}\" (no os/ document has this id)",
                                b.operating_system));
            }
        }
        if (!b.unattended)
            continue;
        const Unattended& u = *b.unattended;
        if (u.type.empty())
            continue;
        static constexpr std::string_view kTypes[] = {"cloud-config", "ignition", "kickstart",
                                                      "untyped"};
        if (std::find(std::begin(kTypes), std::end(kTypes), u.type) == std::end(kTypes)) {
            err(d, file, b.type_loc, "unattended.type",
                fmt::format("unknown unattended type \"{}\" (expected cloud-config, ignition, "
                            "kickstart or untyped)",
                            u.type));
            continue;
        }
        if (!u.use.empty() && !m.asset(u.type, u.use)) {
            err(d, file, b.use_loc, "unattended.use",
                fmt::format("no asset assets/{}/{}", u.type, u.use));
        }
        if (os && !unattendedFitsFamily(u.type, os->os_family)) {
            err(d, file, b.type_loc, "unattended.type",
                fmt::format("{} does not fit os {} of family {}", u.type, os->id, os->os_family));
        }
    }

    for (const Workflow& w : m.workflows()) {
        for (size_t i = 0; i < w.stages.size(); ++i) {
            const Stage& s = w.stages[i];
            if (!s.boot.empty() && !m.boot(s.boot)) {
                err(d, w.origin.file, s.loc, fmt::format("workflow[{}].boot", i),
                    fmt::format("unknown boot \"{}\" (no boot/ document has this id)", s.boot));
            }
            if (!s.next_boot.empty() && !m.boot(s.next_boot)) {
                err(d, w.origin.file, s.next_loc, fmt::format("workflow[{}].next-boot", i),
                    fmt::format("unknown boot \"{}\"", s.next_boot));
            }
        }
        checkWorkflowRefs(m, w, w.deps.block_deps, w.deps.block_deps_locs, "block_deps", d);
        checkWorkflowRefs(m, w, w.deps.validate_on, w.deps.validate_on_locs, "validate_on", d);
        checkWorkflowRefs(m, w, w.deps.safe_deps, w.deps.safe_deps_locs, "safe_deps", d);
    }
    checkBlockDepsCycles(m, d);
}

}  // namespace vq::model
