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

LocalSotLoad loadLocalSot(const std::filesystem::path& root,
                          const LoadOptions& options,
                          ParsedSotCache* cache,
                          const FetchDefinitions& fetch) {
    LocalSotLoad out;
    std::string error;
    if (!readSotDir(root, out.files, error)) {
        out.result.io_failure = true;
        out.result.diagnostics.push_back(
            Diagnostic{root.string(), 0, 0, Severity::Error, "", error});
        return out;
    }
    out.result = loadSotFiles(out.files, options, cache);
    if (!out.result.model)
        return out;
    const SotConfig* config = nullptr;
    std::string site;
    for (const auto& s : out.result.model->sites()) {
        if (s.config && config == nullptr) {
            config = &*s.config;
            site = s.id;
        }
    }
    if (config == nullptr)
        return out;
    for (const auto& s : out.result.model->sites()) {
        if (s.config && (s.config->id != config->id || s.config->type != config->type ||
                         s.config->url != config->url || s.config->ref != config->ref)) {
            out.result.diagnostics.push_back(Diagnostic{
                s.origin.file, s.origin.line, s.origin.col, Severity::Error, "config",
                "sites " + site + " and " + s.id +
                    " name different configurations: one revision holds one set of assets/, "
                    "os/, boot/ and workflows/"});
            return out;
        }
    }
    if (config->type == "git" && fetch) {
        auto fetched = fetch(*config);
        if (!fetched) {
            out.result = LoadResult{};
            out.result.io_failure = true;
            out.result.diagnostics.push_back(
                Diagnostic{root.string(), 0, 0, Severity::Error, "",
                           "site " + site + "'s configuration repository: " + fetched.message()});
            return out;
        }
        out.files = withSharedDefinitions(std::move(out.files), fetched->files);
        fetched->files.clear();
        out.fetched = std::move(*fetched);
        out.result = loadSotFiles(out.files, options, cache);
        return out;
    }
    if (config->type != "local") {
        out.ignored = "site " + site + " names a " + config->type +
                      " configuration, and no GitHook can bring it to a local SoT";
        return out;
    }
    out.definitions = config->url;  // named: watched even while it cannot be read
    std::vector<SotFile> shared;
    if (!readSotDir(config->url, shared, error)) {
        out.result = LoadResult{};
        out.result.io_failure = true;
        out.result.diagnostics.push_back(
            Diagnostic{config->url, 0, 0, Severity::Error, "",
                       "site " + site + "'s configuration directory: " + error});
        return out;
    }
    out.files = withSharedDefinitions(std::move(out.files), shared);
    out.result = loadSotFiles(out.files, options, cache);
    return out;
}

}  // namespace vq::model
