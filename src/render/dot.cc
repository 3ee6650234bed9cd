#include "render/dot.h"

#include <utility>

#include <fmt/format.h>

namespace vq::render {
namespace {

tmpl::Map mapOf(const tmpl::Value& v) {
    return v.isMap() ? v.asMap() : tmpl::Map{};
}

void addMd(tmpl::Map& m) {
    auto it = m.find("metadata");
    if (it != m.end())
        m.insert_or_assign("md", it->second);
}

tmpl::Value subnetObject(const model::Subnet& s) {
    tmpl::Map m = mapOf(s.raw);
    addMd(m);
    if (s.cidr)
        m.insert_or_assign("netmask", s.cidr->mask().toString());
    m.try_emplace("vlan", static_cast<int64_t>(s.vlan));  // the schema's default applies
    // Both spellings, as templates of either generation use them.
    if (!s.domain_name.empty()) {
        m.try_emplace("domain", s.domain_name);
        m.try_emplace("domain_name", s.domain_name);
    }
    return tmpl::Value::map(std::move(m));
}

tmpl::Value interfaceObject(const model::Interface& i, const SiteDot& site) {
    tmpl::Map m = mapOf(i.raw);
    if (!i.subnet.empty()) {
        tmpl::Value subnet = site.subnet(i.subnet);
        if (!subnet.isMissing())
            m.insert_or_assign("subnet", std::move(subnet));
    }
    return tmpl::Value::map(std::move(m));
}

bool isBmc(const model::Interface& i) {
    return i.type == "bmc";
}

}  // namespace

tmpl::Value withMdAlias(const tmpl::Value& object) {
    if (!object.isMap() || object.find("metadata") == nullptr)
        return object;
    tmpl::Map m = object.asMap();
    addMd(m);
    return tmpl::Value::map(std::move(m));
}

SiteDot::SiteDot(const model::Site& site) {
    for (const auto& s : site.subnets)
        subnets_.insert_or_assign(s.id, subnetObject(s));
    env_ = mapOf(site.raw);
    addMd(env_);
    env_.try_emplace("name", site.name);
    tmpl::List subnets;
    subnets.reserve(site.subnets.size());
    for (const auto& s : site.subnets)
        subnets.push_back(subnets_.at(s.id));
    if (!site.subnets.empty())
        env_.insert_or_assign("subnets", tmpl::Value::list(std::move(subnets)));
}

tmpl::Value SiteDot::env(std::string_view agent_url) const {
    std::lock_guard lock(mu_);
    if (auto it = env_by_url_.find(agent_url); it != env_by_url_.end())
        return it->second;
    // Bounded: a request may claim any Host header, but agent URLs come from our own
    // addresses; still, never let the cache grow without limit.
    if (env_by_url_.size() >= 64)
        env_by_url_.clear();
    tmpl::Map m = env_;
    m.insert_or_assign("agentURL", std::string(agent_url));
    // The original's docs spelled it assetURL in places; only agentURL ever worked there.
    m.insert_or_assign("assetURL", std::string(agent_url));
    tmpl::Value v = tmpl::Value::map(std::move(m));
    env_by_url_.emplace(std::string(agent_url), v);
    return v;
}

tmpl::Value SiteDot::subnet(std::string_view id) const {
    auto it = subnets_.find(id);
    return it == subnets_.end() ? tmpl::Value() : it->second;
}

tmpl::Value bootBase(const model::Boot& boot, const model::Os* os) {
    tmpl::Map m = mapOf(boot.raw);
    addMd(m);
    m.try_emplace("name", boot.name);
    if (os != nullptr) {
        tmpl::Map om = mapOf(os->raw);
        addMd(om);
        om.try_emplace("name", os->name);
        tmpl::Value o = tmpl::Value::map(std::move(om));
        m.insert_or_assign("os", o);
        m.insert_or_assign("operating_system", o);
    }
    return tmpl::Value::map(std::move(m));
}

tmpl::Value buildDot(const DotInput& in) {
    tmpl::Map dot;
    dot.emplace("env", in.site->env(in.agent_url));

    tmpl::Map boot = mapOf(*in.boot_base);
    boot.insert_or_assign("configURL", configUrl(in.agent_url, in.mac, in.boot_id));
    dot.emplace("boot", tmpl::Value::map(std::move(boot)));

    tmpl::Map host = mapOf(in.host->raw);
    addMd(host);
    tmpl::Value boot_iface;
    if (!in.host->interfaces.empty()) {
        tmpl::List all, net, bmc;
        all.reserve(in.host->interfaces.size());
        for (const auto& i : in.host->interfaces) {
            tmpl::Value v = interfaceObject(i, *in.site);
            if (&i == in.iface)
                boot_iface = v;
            (isBmc(i) ? bmc : net).push_back(v);
            all.push_back(std::move(v));
        }
        host.insert_or_assign("interfaces", tmpl::Value::list(std::move(all)));
        host.insert_or_assign("netInterfaces", tmpl::Value::list(std::move(net)));
        host.insert_or_assign("bmcInterfaces", tmpl::Value::list(std::move(bmc)));
    }
    if (boot_iface.isMissing()) {
        // Seed-era hosts have no interfaces: the one booting is known by its MAC only.
        boot_iface = tmpl::Value::map({{"mac", std::string(in.mac)}});
    }
    dot.emplace("host", tmpl::Value::map(std::move(host)));
    dot.emplace("interface", std::move(boot_iface));

    if (in.site_model != nullptr) {
        if (const tmpl::Value* config = in.site_model->raw.find("config")) {
            dot.emplace("config", *config);
        }
    }
    return tmpl::Value::map(std::move(dot));
}

std::string configUrl(std::string_view agent_url, std::string_view mac, std::string_view boot_id) {
    return fmt::format("{}/config/{}?boot={}", agent_url, mac, boot_id);
}

std::string checkpointUrl(std::string_view agent_url,
                          std::string_view mac,
                          std::string_view boot_id) {
    return fmt::format("{}/checkpoint/{}?boot={}", agent_url, mac, boot_id);
}

std::string defaultAgentUrl(const model::Site& site, std::string_view agent_name) {
    const model::Agent* agent = agent_name.empty() ? nullptr : site.agent(agent_name);
    if (agent == nullptr && !site.agents.empty())
        agent = &site.agents.front();
    if (agent != nullptr) {
        const auto& a = agent->asset_server;
        return fmt::format("{}://{}:{}", a.scheme, a.addr, a.port);
    }
    if (site.legacy_agent) {
        std::string url = site.legacy_agent->url;
        while (!url.empty() && url.back() == '/')
            url.pop_back();
        return fmt::format("{}:{}", url, site.legacy_agent->port);
    }
    return "http://127.0.0.1:24602";
}

}  // namespace vq::render
