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

// A local SoT as the server loads it: the directory `root`, and when its sites name a
// configuration of type local (a directory), the shared definitions from that directory.
struct LocalSotLoad {
    LoadResult result;
    std::vector<SotFile> files;         // what the model was loaded from
    std::filesystem::path definitions;  // the configuration directory named ("" if none)
    std::string ignored;                // a configuration named but not taken, and why
};
LocalSotLoad loadLocalSot(const std::filesystem::path& root,
                          const LoadOptions& options = {},
                          ParsedSotCache* cache = nullptr);

}  // namespace vq::model
