#include "plan/plan_format.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vq::plan {
namespace {

char mark(HostChangeKind kind) {
    switch (kind) {
        case HostChangeKind::New:
            return '+';
        case HostChangeKind::Removed:
            return '-';
        case HostChangeKind::Changed:
            break;
    }
    return '~';
}

void indentLines(std::string& out, const std::string& text, std::string_view indent) {
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos)
            nl = text.size();
        out.append(indent).append(text, start, nl - start).append("\n");
        start = nl + 1;
    }
}

std::string summary(const Plan& plan) {
    return fmt::format(
        "{} to reprovision, {} new, {} removed, {} never provisioned ({} hosts before, {} after, "
        "{} rendered)",
        plan.reprovisionCount(), plan.count(HostChangeKind::New),
        plan.count(HostChangeKind::Removed), plan.countStart(HostStart::Never), plan.hosts_old,
        plan.hosts_new, plan.hosts_rendered);
}

void hostText(std::string& out, const HostPlan& h) {
    std::string after;
    for (const auto& b : h.blocked_by)
        after += (after.empty() ? ", after workflow " : ", ") + b;
    out += fmt::format("    {} {} (workflow {}{}): {}\n", mark(h.kind), h.host,
                       h.workflow.empty() ? "none" : h.workflow, after, startText(h));
    for (const auto& r : h.reasons) {
        out += fmt::format("        {}\n", r.text);
        indentLines(out, r.diff, "            ");
    }
}

}  // namespace

std::string planText(const Plan& plan) {
    std::string out;
    for (const auto& site : plan.sites) {
        out +=
            fmt::format("Site {}: {} wave{}\n", site.site, site.waves, site.waves == 1 ? "" : "s");
        int wave = -1;
        for (const auto& h : site.hosts) {
            if (h.wave != wave) {
                wave = h.wave;
                out +=
                    wave == 0 ? std::string("  not in a wave\n") : fmt::format("  wave {}\n", wave);
            }
            hostText(out, h);
        }
        out += "\n";
    }
    for (const auto& e : plan.errors)
        out += fmt::format("error: {}\n", e);
    if (!plan.hasChanges())
        out += "No changes: every host is served the same bytes. ";
    else
        out += "Plan: ";
    out += summary(plan) + "\n";
    return out;
}

std::string planJson(const Plan& plan) {
    using nlohmann::json;
    json sites = json::array();
    for (const auto& site : plan.sites) {
        json hosts = json::array();
        for (const auto& h : site.hosts) {
            json reasons = json::array();
            for (const auto& r : h.reasons)
                reasons.push_back({{"text", r.text}, {"diff", r.diff}});
            hosts.push_back({{"host", h.host},
                             {"workflow", h.workflow},
                             {"action", kindName(h.kind)},
                             {"start", startName(h.start)},
                             {"start_text", startText(h)},
                             {"power", h.power},
                             {"wave", h.wave},
                             {"blocked_by", h.blocked_by},
                             {"error", h.error},
                             {"reasons", std::move(reasons)}});
        }
        sites.push_back({{"site", site.site}, {"waves", site.waves}, {"hosts", std::move(hosts)}});
    }
    json j = {{"changes", plan.hasChanges()},
              {"summary",
               {{"reprovision", plan.reprovisionCount()},
                {"new", plan.count(HostChangeKind::New)},
                {"removed", plan.count(HostChangeKind::Removed)},
                {"never_provision", plan.countStart(HostStart::Never)},
                {"hosts_before", plan.hosts_old},
                {"hosts_after", plan.hosts_new},
                {"hosts_rendered", plan.hosts_rendered}}},
              {"sites", std::move(sites)},
              {"errors", plan.errors}};
    return j.dump(2);
}

}  // namespace vq::plan
