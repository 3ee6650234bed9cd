#pragma once
// Kernel command-line translation, as the original's documents define it:
//   key: ''            -> key
//   key: value         -> key=value      (a value of ' ' gives "key= ")
//   key: [a, b, {..}]  -> key=a key=b    (non-string elements were dropped by the loader)
//   key: (YAML null)   -> key
// Entries keep file order; every value is a template rendered per host.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/types.h"

namespace vq::ipxe {

// Renders one templated value for the host at hand: entries[entry].values[value] == text.
using RenderFn =
    std::function<Result<std::string>(size_t entry, size_t value, std::string_view text)>;

// Returns the tokens in order; fails with the first render error.
Result<std::vector<std::string>> translateCmdline(const std::vector<model::CmdlineEntry>& entries,
                                                  const RenderFn& render);

// Same without templates (values used as written).
std::vector<std::string> translateCmdline(const std::vector<model::CmdlineEntry>& entries);

}  // namespace vq::ipxe
