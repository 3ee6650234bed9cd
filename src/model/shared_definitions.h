#pragma once
// The Advanced SoT splits a source of truth in two: sites/ in the SoT itself, the shared
// definitions (assets/, os/, boot/, workflows/: everything outside sites/) in the
// configuration repository its sites' `config:` documents name. These put the two together
// as one SoT, the way the server loads it.

#include <filesystem>
#include <vector>

#include "model/load.h"

namespace vq::model {

// Whether `path` (relative, '/'-separated) is a site's file.
bool isSiteFile(std::string_view path);

// `sot`'s files under sites/, and `definitions`' files outside it; sorted by path.
std::vector<SotFile> withSharedDefinitions(std::vector<SotFile> sot,
                                           const std::vector<SotFile>& definitions);

// The SoT at `sot` with its shared definitions read from `definitions` (a checkout of its
// configuration repository). Diagnostics name files relative to the directory each came from.
LoadResult loadSotWithDefinitions(const std::filesystem::path& sot,
                                  const std::filesystem::path& definitions,
                                  const LoadOptions& options = {});

}  // namespace vq::model
