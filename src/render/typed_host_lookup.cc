#include "render/typed_host_lookup.h"

#include <functional>

#include "base/mac_addr.h"
#include "model/host_roles.h"

namespace vq::render {
namespace {

// A duplicate site id (an invalid model) makes host() answer from the first such site.
bool holds(const model::Site& site, const model::Host* host) {
    const std::less<const model::Host*> before;
    return !before(host, site.hosts.data()) && before(host, site.hosts.data() + site.hosts.size());
}

// The one host of that name; a name found in several sites identifies nothing.
model::HostMatch hostNamed(const model::Model& model,
                           std::string_view site,
                           std::string_view name) {
    model::HostMatch found;
    for (const auto& s : model.sites()) {
        if (!site.empty() && model.site(site) != &s)
            continue;
        const model::Host* host = model.host(s.id, name);
        if (host == nullptr || !holds(s, host))
            continue;
        if (found)
            return {};
        found = model::HostMatch{&s, host, model::bootInterface(*host)};
    }
    return found;
}

}  // namespace

model::HostMatch findTypedHost(const model::Model& model,
                               std::string_view site,
                               const model::Selectors& query) {
    if (model::HostMatch seed = model.findBySelectors(site, query))
        return seed;
    model::HostMatch found;
    bool iface_from_mac = false;
    for (const auto& [key, value] : query) {
        model::HostMatch match;
        const bool by_mac = key == "mac";
        if (by_mac) {
            auto mac = MacAddr::parse(value);
            if (!mac)
                return {};
            match = model.findByMac(site, *mac);
        } else if (key == "hostname" || key == "name") {
            match = hostNamed(model, site, value);
        } else {
            continue;
        }
        if (!match || (found && found.host != match.host))
            return {};
        if (!found || (by_mac && !iface_from_mac)) {
            found = match;
            iface_from_mac = by_mac;
        }
    }
    return found;
}

}  // namespace vq::render
