#include "model/shared_definitions.h"

#include <algorithm>

namespace vq::model {

bool isSiteFile(std::string_view path) {
    return path.starts_with("sites/");
}

std::vector<SotFile> withSharedDefinitions(std::vector<SotFile> sot,
                                           const std::vector<SotFile>& definitions) {
    std::erase_if(sot, [](const SotFile& f) { return !isSiteFile(f.path); });
    for (const auto& f : definitions) {
        if (!isSiteFile(f.path))
            sot.push_back(f);
    }
    std::sort(sot.begin(), sot.end(),
              [](const SotFile& a, const SotFile& b) { return a.path < b.path; });
    return sot;
}

LoadResult loadSotWithDefinitions(const std::filesystem::path& sot,
                                  const std::filesystem::path& definitions,
                                  const LoadOptions& options) {
    std::vector<SotFile> files, shared;
    for (const auto& [dir, into] : {std::pair{&sot, &files}, std::pair{&definitions, &shared}}) {
        std::string error;
        if (!readSotDir(*dir, *into, error)) {
            LoadResult r;
            r.io_failure = true;
            r.diagnostics.push_back(Diagnostic{dir->string(), 0, 0, Severity::Error, "", error});
            return r;
        }
    }
    return loadSotFiles(withSharedDefinitions(std::move(files), shared), options);
}

}  // namespace vq::model
