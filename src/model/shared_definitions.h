#pragma once
// The Advanced SoT splits a source of truth in two: sites/ in the SoT itself, the shared
// definitions (assets/, os/, boot/, workflows/: everything outside sites/) in the
// configuration repository its sites' `config:` documents name. These put the two together
// as one SoT, the way the server loads it.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
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

// A configuration repository's files, fetched for a local SoT whose sites name a git
// configuration (the server's configuration repositories fetch it).
struct FetchedDefinitions {
    std::vector<SotFile> files;  // its tree (withSharedDefinitions takes what counts)
    std::string key;             // changes when what is taken changes (its commit)
    std::string summary;         // for the log
    std::string hook_id;         // the GitHook a push to it arrives on
};
using FetchDefinitions = std::function<Result<FetchedDefinitions>(const SotConfig&)>;

// A local SoT as the server loads it: the directory `root`, and when its sites name a
// configuration of type local (a directory), the shared definitions from that directory; of
// type git, from `fetch` (without it, the configuration is ignored, and why is said).
struct LocalSotLoad {
    LoadResult result;
    std::vector<SotFile> files;         // what the model was loaded from
    std::filesystem::path definitions;  // the configuration directory named ("" if none)
    std::string ignored;                // a configuration named but not taken, and why
    FetchedDefinitions fetched;         // a git configuration's key, summary, hook (no files)
};
LocalSotLoad loadLocalSot(const std::filesystem::path& root,
                          const LoadOptions& options = {},
                          ParsedSotCache* cache = nullptr,
                          const FetchDefinitions& fetch = {});

}  // namespace vq::model
