#pragma once
// Container tasks are templates too: a boot's validate / before_shutdown containers and a
// custom BMC's container write `{{.interface.ipv4}}`, `{{.host.name}}`, ... in `command`,
// `args`, `commands` and `env` values. They are rendered per host, right before they run, with
// the dot every template of the host sees (dot.h), where `.interface` is the interface the
// task is about: the BMC's for a custom power action, the boot interface otherwise. A
// missing key is an error, never an empty argument handed to a container.

#include "base/result.h"
#include "model/model.h"
#include "tmpl/value.h"

namespace vq::render {

// The dot for a host's task. `iface` may be null (the host's boot interface is used); `boot` may be
// null (no `.boot`).
tmpl::Value taskDot(const model::Site& site,
                    const model::Host& host,
                    const model::Interface* iface,
                    const model::Boot* boot,
                    const model::Model& model);

// The container with every templated field rendered; errors name the field.
Result<model::Container> renderTaskContainer(const model::Container& c, const tmpl::Value& dot);

}  // namespace vq::render
