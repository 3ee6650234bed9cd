#pragma once
// The loaded source of truth: an immutable snapshot, shared read-only across threads
// (std::shared_ptr<const Model>), indexed for O(1) lookup by MAC, site + host name and id.

#include <cstddef>
#include <cstdint>
#include <iterator>
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

// One site and its lookup indices, immutable once made. A reload that read the same site
// files (same env, same inventories) hands the very same object to the next model, so its
// hosts are neither copied nor indexed again.
class IndexedSite {
public:
    static std::shared_ptr<const IndexedSite> make(Site site);

    const Site& site() const { return site_; }
    // Index of the host owning an interface with this MAC, and which interface.
    struct MacRef {
        uint32_t host, iface;
    };
    const MacRef* byMac(const MacAddr& mac) const;
    const Host* host(std::string_view name) const;
    // Hosts with a `mac` selector equal to mac, and those with no mac selector (seed era).
    const std::vector<uint32_t>* selectorsByMac(const MacAddr& mac) const;
    const std::vector<uint32_t>& selectorHosts() const { return selector_hosts_; }

private:
    Site site_;
    std::unordered_map<MacAddr, MacRef> by_mac_;
    StringMap<uint32_t> by_name_;
    std::unordered_map<MacAddr, std::vector<uint32_t>> selector_by_mac_;
    std::vector<uint32_t> selector_hosts_;  // seed-era hosts without a mac selector
};

// A model's sites in order, read like a std::vector<Site>.
class SiteList {
public:
    using Items = std::vector<std::shared_ptr<const IndexedSite>>;
    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = Site;
        using difference_type = std::ptrdiff_t;
        using pointer = const Site*;
        using reference = const Site&;

        const_iterator() = default;
        explicit const_iterator(Items::const_iterator it) : it_(it) {}
        const Site& operator*() const { return (*it_)->site(); }
        const Site* operator->() const { return &(*it_)->site(); }
        const_iterator& operator++() {
            ++it_;
            return *this;
        }
        const_iterator operator++(int) { return const_iterator(it_++); }
        const_iterator& operator+=(difference_type n) {
            it_ += n;
            return *this;
        }
        const_iterator operator+(difference_type n) const { return const_iterator(it_ + n); }
        difference_type operator-(const const_iterator& o) const { return it_ - o.it_; }
        const Site& operator[](difference_type n) const { return it_[n]->site(); }
        bool operator==(const const_iterator& o) const { return it_ == o.it_; }
        bool operator!=(const const_iterator& o) const { return it_ != o.it_; }

    private:
        Items::const_iterator it_;
    };
    using iterator = const_iterator;

    const_iterator begin() const { return const_iterator(items_.begin()); }
    const_iterator end() const { return const_iterator(items_.end()); }
    size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    const Site& operator[](size_t i) const { return items_[i]->site(); }
    const Site& front() const { return items_.front()->site(); }
    const Site& back() const { return items_.back()->site(); }
    const IndexedSite& indexed(size_t i) const { return *items_[i]; }

private:
    friend class ModelBuilder;
    Items items_;
};

class Model {
public:
    const SiteList& sites() const { return sites_; }
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
    struct AssetSet {
        std::vector<Asset> assets, snippets;
        StringMap<uint32_t> by_name;
    };

    HostMatch findByMacIn(size_t site, const MacAddr& mac) const;
    int siteIndex(std::string_view id) const;

    SiteList sites_;
    std::vector<Os> oses_;
    std::vector<Boot> boots_;
    std::vector<Workflow> workflows_;
    StringMap<AssetSet> assets_;
    StringMap<uint32_t> site_by_id_, site_by_dir_, os_by_id_, boot_by_id_, workflow_by_id_;
    size_t host_count_ = 0;
};

// Builds the model-wide indices once every object is in place (objects never move afterwards);
// sites come indexed already (IndexedSite::make, or the same object as an earlier model's).
class ModelBuilder {
public:
    std::vector<std::shared_ptr<const IndexedSite>> sites;
    std::vector<Os> oses;
    std::vector<Boot> boots;
    std::vector<Workflow> workflows;
    std::vector<Asset> assets, snippets;

    std::shared_ptr<const Model> build();
};

}  // namespace vq::model
