#include "model/model.h"

#include <algorithm>
#include <optional>

namespace vq::model {

const Subnet* Site::subnet(std::string_view subnet_id) const {
    for (const auto& s : subnets) {
        if (s.id == subnet_id)
            return &s;
    }
    return nullptr;
}

const Agent* Site::agent(std::string_view agent_name) const {
    for (const auto& a : agents) {
        if (a.name == agent_name)
            return &a;
    }
    return nullptr;
}

namespace {

template <typename V>
const V* lookup(const StringMap<uint32_t>& index,
                const std::vector<V>& items,
                std::string_view key) {
    auto it = index.find(key);
    return it == index.end() ? nullptr : &items[it->second];
}

}  // namespace

int Model::siteIndex(std::string_view id) const {
    auto it = site_by_id_.find(id);
    if (it != site_by_id_.end())
        return static_cast<int>(it->second);
    it = site_by_dir_.find(id);
    if (it != site_by_dir_.end())
        return static_cast<int>(it->second);
    return -1;
}

const Site* Model::site(std::string_view id) const {
    const int i = siteIndex(id);
    return i < 0 ? nullptr : &sites_[static_cast<size_t>(i)];
}

const Os* Model::os(std::string_view id) const {
    return lookup(os_by_id_, oses_, id);
}
const Boot* Model::boot(std::string_view id) const {
    return lookup(boot_by_id_, boots_, id);
}
const Workflow* Model::workflow(std::string_view id) const {
    return lookup(workflow_by_id_, workflows_, id);
}

const Asset* Model::asset(std::string_view type, std::string_view name) const {
    auto it = assets_.find(type);
    if (it == assets_.end())
        return nullptr;
    return lookup(it->second.by_name, it->second.assets, name);
}

const std::vector<Asset>& Model::snippets(std::string_view type) const {
    static const std::vector<Asset> kEmpty;
    auto it = assets_.find(type);
    return it == assets_.end() ? kEmpty : it->second.snippets;
}

const std::vector<Asset>& Model::assets(std::string_view type) const {
    static const std::vector<Asset> kEmpty;
    auto it = assets_.find(type);
    return it == assets_.end() ? kEmpty : it->second.assets;
}

HostMatch Model::resolve(const HostRef& r) const {
    const Site& s = sites_[r.site];
    const Host& h = s.hosts[r.host];
    return HostMatch{&s, &h, &h.interfaces[r.iface]};
}

HostMatch Model::findByMac(std::string_view site, const MacAddr& mac) const {
    if (site.empty()) {
        auto it = by_mac_.find(mac);
        return it == by_mac_.end() ? HostMatch{} : resolve(it->second);
    }
    const int i = siteIndex(site);
    if (i < 0)
        return {};
    const auto& idx = site_index_[static_cast<size_t>(i)].by_mac;
    auto it = idx.find(mac);
    return it == idx.end() ? HostMatch{} : resolve(it->second);
}

const Host* Model::host(std::string_view site, std::string_view name) const {
    const int i = siteIndex(site);
    if (i < 0)
        return nullptr;
    const auto& idx = site_index_[static_cast<size_t>(i)].by_name;
    auto it = idx.find(name);
    return it == idx.end() ? nullptr : &sites_[static_cast<size_t>(i)].hosts[it->second];
}

namespace {

bool selectorMatches(const std::string& key, const std::string& want, const Selectors& query) {
    for (const auto& [k, v] : query) {
        if (k != key)
            continue;
        if (key == "mac") {
            auto a = MacAddr::parse(want);
            auto b = MacAddr::parse(v);
            if (a && b && *a == *b)
                return true;
        } else if (v == want) {
            return true;
        }
    }
    return false;
}

}  // namespace

HostMatch Model::findBySelectors(std::string_view site, const Selectors& query) const {
    HostMatch best;
    size_t best_count = 0;
    auto consider = [&](size_t si, uint32_t hi) {
        const Host& h = sites_[si].hosts[hi];
        if (h.selectors.empty())
            return;
        for (const auto& [k, v] : h.selectors) {
            if (!selectorMatches(k, v, query))
                return;
        }
        if (h.selectors.size() > best_count) {
            best_count = h.selectors.size();
            best = HostMatch{&sites_[si], &h, nullptr};
        }
    };
    std::optional<MacAddr> mac;
    for (const auto& [k, v] : query) {
        if (k == "mac")
            mac = MacAddr::parse(v);
    }
    for (size_t si = 0; si < sites_.size(); ++si) {
        if (!site.empty() && siteIndex(site) != static_cast<int>(si))
            continue;
        const SiteIndex& idx = site_index_[si];
        if (mac) {
            auto it = idx.selector_by_mac.find(*mac);
            if (it != idx.selector_by_mac.end()) {
                for (uint32_t hi : it->second)
                    consider(si, hi);
            }
        }
        for (uint32_t hi : idx.selector_hosts)
            consider(si, hi);
    }
    return best;
}

std::shared_ptr<const Model> ModelBuilder::build() {
    auto m = std::make_shared<Model>();
    m->sites_ = std::move(sites);
    m->oses_ = std::move(oses);
    m->boots_ = std::move(boots);
    m->workflows_ = std::move(workflows);
    // First definition wins for duplicate ids (the validator reports the others).
    for (uint32_t i = 0; i < m->oses_.size(); ++i)
        m->os_by_id_.emplace(m->oses_[i].id, i);
    for (uint32_t i = 0; i < m->boots_.size(); ++i)
        m->boot_by_id_.emplace(m->boots_[i].id, i);
    for (uint32_t i = 0; i < m->workflows_.size(); ++i) {
        m->workflow_by_id_.emplace(m->workflows_[i].id, i);
    }
    auto byName = [](const Asset& a, const Asset& b) { return a.name < b.name; };
    std::sort(assets.begin(), assets.end(), byName);
    std::sort(snippets.begin(), snippets.end(), byName);
    for (auto& a : assets) {
        auto& set = m->assets_[a.type];
        set.by_name.emplace(a.name, static_cast<uint32_t>(set.assets.size()));
        set.assets.push_back(std::move(a));
    }
    for (auto& a : snippets)
        m->assets_[a.type].snippets.push_back(std::move(a));

    m->site_index_.resize(m->sites_.size());
    for (uint32_t si = 0; si < m->sites_.size(); ++si) {
        const Site& s = m->sites_[si];
        m->site_by_id_.emplace(s.id, si);
        m->site_by_dir_.emplace(s.dir, si);
        auto& idx = m->site_index_[si];
        idx.by_name.reserve(s.hosts.size());
        idx.by_mac.reserve(s.hosts.size() * 2);
        for (uint32_t hi = 0; hi < s.hosts.size(); ++hi) {
            const Host& h = s.hosts[hi];
            idx.by_name.emplace(h.name, hi);
            for (uint32_t ii = 0; ii < h.interfaces.size(); ++ii) {
                const auto& mac = h.interfaces[ii].mac;
                if (!mac)
                    continue;
                idx.by_mac.emplace(*mac, Model::HostRef{si, hi, ii});
                m->by_mac_.emplace(*mac, Model::HostRef{si, hi, ii});
            }
            if (h.selectors.empty())
                continue;
            bool has_mac = false;
            for (const auto& [k, v] : h.selectors) {
                if (k != "mac")
                    continue;
                if (auto mac = MacAddr::parse(v)) {
                    idx.selector_by_mac[*mac].push_back(hi);
                    has_mac = true;
                }
            }
            if (!has_mac)
                idx.selector_hosts.push_back(hi);
        }
        m->host_count_ += s.hosts.size();
    }
    return m;
}

}  // namespace vq::model
