#pragma once
// Cross-document checks over a built model: references, duplicates, addresses inside their
// subnets, unattended types against the OS family.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"

namespace vq::model {

void validateModel(const Model& model, Diagnostics& diags);

// What checking one site found (its subnets, its hosts, their templates) and the only things
// outside the site those checks read: whether each workflow and boot id its hosts name exists.
// A later model holding the very same site object reuses them while those ids resolve alike
// (a change to an os/ file does not check every host again; removing a workflow does).
struct SiteChecks {
    std::vector<Diagnostic> diagnostics;
    std::vector<std::pair<std::string, bool>> workflows, boots;  // id, found

    bool stillTrueOf(const Model& model) const;
};
std::shared_ptr<const SiteChecks> checkSite(const Model& model, const Site& site);

// validateModel without the per-site checks (ids, boots, workflows, sites named twice).
void validateDefinitions(const Model& model, Diagnostics& diags);

// The OS families an unattended type makes sense for; empty = any.
bool unattendedFitsFamily(std::string_view type, std::string_view family);

}  // namespace vq::model
