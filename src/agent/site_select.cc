#include "agent/site_select.h"

namespace vq::agent {
namespace {

std::string joinIds(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids)
        out += (out.empty() ? "" : ", ") + id;
    return out;
}

// The seed-era `agent: {url, port}` block as an asset server.
model::Agent fromLegacy(const model::LegacyAgent& legacy) {
    model::Agent a;
    a.name = "agent";
    std::string host = legacy.url;
    if (auto p = host.find("://"); p != std::string::npos) {
        a.asset_server.scheme = host.substr(0, p);
        host = host.substr(p + 3);
    }
    if (auto slash = host.find('/'); slash != std::string::npos)
        host.resize(slash);
    if (!host.empty())
        a.asset_server.addr = host;
    a.asset_server.port = legacy.port;
    return a;
}

}  // namespace

Result<Selection> selectSiteAgent(const model::Model& model,
                                  const std::string& site_id,
                                  const std::string& agent_id) {
    const model::Site* site = nullptr;
    if (!site_id.empty()) {
        site = model.site(site_id);
        if (site == nullptr) {
            std::vector<std::string> ids;
            for (const auto& s : model.sites())
                ids.push_back(s.id);
            return Result<Selection>::error(
                StatusCode::not_found,
                "site '" + site_id + "' is not in the SoT (sites: " + joinIds(ids) + ")");
        }
    } else if (model.sites().size() == 1) {
        site = &model.sites().front();
    } else if (model.sites().empty()) {
        return Result<Selection>::error(StatusCode::invalid_argument, "the SoT has no site");
    } else {
        std::vector<std::string> ids;
        for (const auto& s : model.sites())
            ids.push_back(s.id);
        return Result<Selection>::error(StatusCode::invalid_argument,
                                        "the SoT has several sites (" + joinIds(ids) +
                                            "): choose one with --site-id or VAQUERO_SITE_ID");
    }
    Selection sel;
    sel.site_id = site->id;
    if (!agent_id.empty()) {
        const model::Agent* a = site->agent(agent_id);
        if (a == nullptr) {
            std::vector<std::string> names;
            for (const auto& x : site->agents)
                names.push_back(x.name);
            return Result<Selection>::error(StatusCode::not_found,
                                            "agent '" + agent_id + "' is not in site '" + site->id +
                                                "' (agents: " + joinIds(names) + ")");
        }
        sel.agent = *a;
    } else if (site->agents.size() == 1) {
        sel.agent = site->agents.front();
    } else if (site->agents.empty() && site->legacy_agent) {
        sel.agent = fromLegacy(*site->legacy_agent);
    } else if (site->agents.empty()) {
        return Result<Selection>::error(StatusCode::invalid_argument,
                                        "site '" + site->id + "' defines no agents[] in env.yml");
    } else {
        std::vector<std::string> names;
        for (const auto& x : site->agents)
            names.push_back(x.name);
        return Result<Selection>::error(StatusCode::invalid_argument,
                                        "site '" + site->id + "' has several agents (" +
                                            joinIds(names) +
                                            "): choose one with --agent-id or VAQUERO_AGENT_ID");
    }
    return sel;
}

}  // namespace vq::agent
