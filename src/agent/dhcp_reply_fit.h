#pragma once
// `vaquero validate`'s check that every subnet's DHCP reply fits in 576 bytes, the most a
// client that sends no maximum message size (option 57) is bound to accept (RFC 2131 §2).
// At run time such a reply is trimmed and logged (DHCP_TRIMMED); this says so before the
// SoT is deployed, at the subnet that causes it.

#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"

namespace vq::agent {

// One warning per subnet whose reply to a PXE ROM's DISCOVER without option 57 (for its host
// with the longest hostname) loses options, naming them; none when every reply fits.
std::vector<model::Diagnostic> dhcpReplyFitChecks(const model::Model& model);

}  // namespace vq::agent
