#pragma once
// Which host a seed-era typed endpoint (/ignition?mac=..&os=..) serves, in every generation
// of the data model.

#include <string_view>

#include "model/model.h"

namespace vq::render {

// Seed-era hosts keep their selector rules first: every selector of the host appears in the
// query, and the host with the most selectors wins. Failing that, the query's identity
// selectors find a host of any generation: `mac` (any spelling MacAddr reads) against every
// interface of every host, `hostname` or `name` against host names. Every identity selector
// given must point at the same host; other keys are ignored there, because a v0.14 host has
// no selectors to hold them against. A MAC yields the interface it names; a name alone yields
// the host's first non-BMC interface with a MAC. `site` empty = any site.
model::HostMatch findTypedHost(const model::Model& model,
                               std::string_view site,
                               const model::Selectors& query);

}  // namespace vq::render
