#pragma once
// Cross-document checks over a built model: references, duplicates, addresses inside their
// subnets, unattended types against the OS family.

#include "model/diagnostic.h"
#include "model/model.h"

namespace vq::model {

void validateModel(const Model& model, Diagnostics& diags);

// The OS families an unattended type makes sense for; empty = any.
bool unattendedFitsFamily(std::string_view type, std::string_view family);

}  // namespace vq::model
