#pragma once
// A host's input fingerprint: a hash of everything its served bytes can depend on (its own
// document, its site's env, its workflow, the boots and OSes of its stages, the asset of each
// boot and every snippet that asset can reach). Equal fingerprints in two models mean equal
// served bytes, so a plan renders only hosts whose fingerprint moved. Conservative: when an
// input might matter it is included (a text that calls templates by a name it cannot read
// depends on every template of its type).

#include <cstdint>
#include <map>
#include <string>

#include "model/model.h"

namespace vq::plan {

class InputFingerprints {
public:
    // Precomputes the per-site, per-workflow and per-boot parts once (cost independent of the
    // host count); host() then hashes only the host's own document.
    explicit InputFingerprints(const model::Model& model);

    uint64_t host(const model::Site& site, const model::Host& host) const {
        return this->host(site, host, document(host));
    }
    // The same from the host's document hash, computed once when one document is checked
    // against two models.
    uint64_t host(const model::Site& site, const model::Host& host, uint64_t document) const;
    // Hash of what the host itself says (its YAML document and how it was decoded).
    static uint64_t document(const model::Host& host);

    // The parts, exposed for tests and for explaining a change.
    uint64_t site(const model::Site& site) const;
    uint64_t workflow(std::string_view id) const;
    uint64_t boot(std::string_view id) const;
    // assets/<type>/<name> together with every template it can reach.
    uint64_t asset(std::string_view type, std::string_view name) const;

private:
    std::map<const model::Site*, uint64_t> sites_;
    model::StringMap<uint64_t> workflows_, boots_, oses_;
    // "type/name" -> hash of the asset and its reachable templates.
    model::StringMap<uint64_t> assets_;
};

}  // namespace vq::plan
