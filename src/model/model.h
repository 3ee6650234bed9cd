#pragma once
// The loaded source of truth: an immutable snapshot, shared read-only across threads
// (std::shared_ptr<const Model>), indexed for O(1) lookup by MAC, site + host name and id.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/mac_addr.h"
#include "model/types.h"

namespace vq::model {

struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// What a lookup by MAC (or by selectors) finds. iface is null for seed-era hosts found by
// their selectors.
struct HostMatch {
    const Site* site = nullptr;
    const Host* host = nullptr;
    const Interface* iface = nullptr;
    explicit operator bool() const { return host != nullptr; }
};

using Selectors = std::vector<std::pair<std::string, std::string>>;

class Model {
public:
    const std::vector<Site>& sites() const { return sites_; }
    const std::vector<Os>& oses() const { return oses_; }
    const std::vector<Boot>& boots() const { return boots_; }
    const std::vector<Workflow>& workflows() const { return workflows_; }

    // Site by env id (or, failing that, by its directory name under sites/).
    const Site* site(std::string_view id) const;
    const Os* os(std::string_view id) const;
    const Boot* boot(std::string_view id) const;
    const Workflow* workflow(std::string_view id) const;
    // assets/<type>/<name>; nullptr when absent.
    const Asset* asset(std::string_view type, std::string_view name) const;
    // Every file of assets/<type>/snippets/, sorted by name.
    const std::vector<Asset>& snippets(std::string_view type) const;
    // Every asset of a type (not snippets), sorted by name.
    const std::vector<Asset>& assets(std::string_view type) const;

    // The host owning an interface with this MAC; site empty = any site.
    HostMatch findByMac(std::string_view site, const MacAddr& mac) const;
    const Host* host(std::string_view site, std::string_view name) const;
    // Seed era: the host whose selectors all appear in `query`, preferring the one with most
    // selectors (the data-model doc's rules). `mac` values compare as MACs.
    HostMatch findBySelectors(std::string_view site, const Selectors& query) const;

    size_t hostCount() const { return host_count_; }

private:
    friend class ModelBuilder;
    struct HostRef {
        uint32_t site, host, iface;
    };
    struct AssetSet {
        std::vector<Asset> assets, snippets;
        StringMap<uint32_t> by_name;
    };
    struct SiteIndex {
        std::unordered_map<MacAddr, HostRef> by_mac;
        StringMap<uint32_t> by_name;
        std::unordered_map<MacAddr, std::vector<uint32_t>> selector_by_mac;
        std::vector<uint32_t> selector_hosts;  // seed-era hosts without a mac selector
    };

    HostMatch resolve(const HostRef& r) const;
    int siteIndex(std::string_view id) const;

    std::vector<Site> sites_;
    std::vector<Os> oses_;
    std::vector<Boot> boots_;
    std::vector<Workflow> workflows_;
    StringMap<AssetSet> assets_;
    StringMap<uint32_t> site_by_id_, site_by_dir_, os_by_id_, boot_by_id_, workflow_by_id_;
    std::vector<SiteIndex> site_index_;
    std::unordered_map<MacAddr, HostRef> by_mac_;
    size_t host_count_ = 0;
};

// Builds the indices once every object is in place (objects never move afterwards).
class ModelBuilder {
public:
    std::vector<Site> sites;
    std::vector<Os> oses;
    std::vector<Boot> boots;
    std::vector<Workflow> workflows;
    std::vector<Asset> assets, snippets;

    std::shared_ptr<const Model> build();
};

}  // namespace vq::model
