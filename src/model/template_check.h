#pragma once
// Template SYNTAX checks of every templated part of a model: asset files (parsed with their
// type's snippets, as rendering does), os kernel/initrd/cmdline values, container command,
// args and commands. Render-time checks (missing keys per host) belong to the renderer.

#include "model/diagnostic.h"
#include "model/model.h"

namespace vq::model {

void checkTemplates(const Model& model, Diagnostics& diags);

// The two halves of checkTemplates: everything but the sites' hosts, and one site's hosts
// (their BMC containers), which depend on nothing outside the site.
void checkDefinitionTemplates(const Model& model, Diagnostics& diags);
void checkHostTemplates(const Site& site, Diagnostics& diags);

}  // namespace vq::model
