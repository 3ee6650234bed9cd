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

HostMatch Model::findByMacIn(size_t site, const MacAddr& mac) const {
    const IndexedSite& indexed = sites_.indexed(site);
    const IndexedSite::MacRef* r = indexed.byMac(mac);
    if (r == nullptr)
        return {};
    const Host& h = indexed.site().hosts[r->host];
    return HostMatch{&indexed.site(), &h, &h.interfaces[r->iface]};
}

HostMatch Model::findByMac(std::string_view site, const MacAddr& mac) const {
    if (site.empty()) {
        // The first site holding the MAC, in site order (the validator reports a MAC that
        // appears twice within a site; across sites the first one answers).
        for (size_t i = 0; i < sites_.size(); ++i) {
            if (HostMatch m = findByMacIn(i, mac))
                return m;
        }
        return {};
    }
    const int i = siteIndex(site);
    return i < 0 ? HostMatch{} : findByMacIn(static_cast<size_t>(i), mac);
}

const Host* Model::host(std::string_view site, std::string_view name) const {
    const int i = siteIndex(site);
    return i < 0 ? nullptr : sites_.indexed(static_cast<size_t>(i)).host(name);
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
        const IndexedSite& idx = sites_.indexed(si);
        if (mac) {
            if (const auto* with_mac = idx.selectorsByMac(*mac)) {
                for (uint32_t hi : *with_mac)
                    consider(si, hi);
            }
        }
        for (uint32_t hi : idx.selectorHosts())
            consider(si, hi);
    }
    return best;
}

std::shared_ptr<const IndexedSite> IndexedSite::make(Site site) {
    auto out = std::make_shared<IndexedSite>();
    out->site_ = std::move(site);
    const Site& s = out->site_;
    out->by_name_.reserve(s.hosts.size());
    out->by_mac_.reserve(s.hosts.size() * 2);
    for (uint32_t hi = 0; hi < s.hosts.size(); ++hi) {
        const Host& h = s.hosts[hi];
        out->by_name_.emplace(h.name, hi);
        for (uint32_t ii = 0; ii < h.interfaces.size(); ++ii) {
            const auto& mac = h.interfaces[ii].mac;
            if (mac)
                out->by_mac_.emplace(*mac, MacRef{hi, ii});
        }
        if (h.selectors.empty())
            continue;
        bool has_mac = false;
        for (const auto& [k, v] : h.selectors) {
            if (k != "mac")
                continue;
            if (auto mac = MacAddr::parse(v)) {
                out->selector_by_mac_[*mac].push_back(hi);
                has_mac = true;
            }
        }
        if (!has_mac)
            out->selector_hosts_.push_back(hi);
    }
    return out;
}

const IndexedSite::MacRef* IndexedSite::byMac(const MacAddr& mac) const {
    auto it = by_mac_.find(mac);
    return it == by_mac_.end() ? nullptr : &it->second;
}

const Host* IndexedSite::host(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &site_.hosts[it->second];
}

const std::vector<uint32_t>* IndexedSite::selectorsByMac(const MacAddr& mac) const {
    auto it = selector_by_mac_.find(mac);
    return it == selector_by_mac_.end() ? nullptr : &it->second;
}

std::shared_ptr<const Model> ModelBuilder::build() {
    auto m = std::make_shared<Model>();
    m->sites_.items_ = std::move(sites);
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

    for (uint32_t si = 0; si < m->sites_.size(); ++si) {
        const Site& s = m->sites_[si];
        m->site_by_id_.emplace(s.id, si);
        m->site_by_dir_.emplace(s.dir, si);
        m->host_count_ += s.hosts.size();
    }
    return m;
}

}  // namespace vq::model
