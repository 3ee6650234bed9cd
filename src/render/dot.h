#pragma once
// The template "dot": what every template of a boot sees, as the original built it from
// the YAML maps (keys as written):
//   .env        the site's env (+ agentURL, assetURL alias; subnets as Subnet objects)
//   .boot       the boot (+ configURL; os / operating_system replaced by the OS object)
//   .host       the host (interfaces with their Subnet objects, netInterfaces, bmcInterfaces)
//   .interface  the interface the host boots from, with its Subnet object
//   .config     the site's advanced-SoT config header, when there is one
// Every object with `metadata` also has it under `md`; Subnet objects carry a computed
// `netmask`.

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "model/model.h"
#include "tmpl/value.h"

namespace vq::render {

// The parts of the dot that do not depend on the host, built once per model snapshot.
class SiteDot {
public:
    explicit SiteDot(const model::Site& site);
    SiteDot(SiteDot&& other) noexcept
        : env_(std::move(other.env_)), subnets_(std::move(other.subnets_)) {}
    // env with agentURL set.
    tmpl::Value env(std::string_view agent_url) const;
    // The Subnet object for an id; a Missing value when unknown.
    tmpl::Value subnet(std::string_view id) const;

private:
    tmpl::Map env_;
    // env per agentURL: a host sees only a handful of agent addresses, so this stays tiny.
    mutable std::mutex mu_;
    mutable std::map<std::string, tmpl::Value, std::less<>> env_by_url_;
    tmpl::Map subnets_;
};

// boot with its OS object; configURL is added per request.
tmpl::Value bootBase(const model::Boot& boot, const model::Os* os);

struct DotInput {
    const SiteDot* site = nullptr;
    const model::Site* site_model = nullptr;
    const model::Host* host = nullptr;
    const model::Interface* iface = nullptr;  // null for seed-era hosts found by selectors
    const tmpl::Value* boot_base = nullptr;   // from bootBase()
    std::string_view boot_id;
    std::string_view agent_url;  // scheme://host:port, no trailing slash
    std::string_view mac;        // canonical (lower-case, colons)
};

tmpl::Value buildDot(const DotInput& in);

// <agentURL>/config/<mac>?boot=<id> and <agentURL>/checkpoint/<mac>?boot=<id>.
std::string configUrl(std::string_view agent_url, std::string_view mac, std::string_view boot_id);
std::string checkpointUrl(std::string_view agent_url,
                          std::string_view mac,
                          std::string_view boot_id);

// The agent URL a host would use when nothing better is known: the named (or first) agent's
// asset_server scheme://addr:port, or the seed-era agent's url:port.
std::string defaultAgentUrl(const model::Site& site, std::string_view agent_name = {});

// Adds `md` next to `metadata` in a map value (other values are returned unchanged).
tmpl::Value withMdAlias(const tmpl::Value& object);

}  // namespace vq::render
