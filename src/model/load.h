#pragma once
// Loading a source-of-truth directory: parse, decode, validate, index. Every problem is
// reported at once as a Diagnostic; nothing a user writes in a SoT makes this throw.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/file_set.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "model/parsed_sot_cache.h"

namespace vq::model {

struct LoadOptions {
    std::string site;  // env id or directory under sites/; empty = all sites
};

struct LoadResult {
    // Always set after a load that could read the directory: a best-effort model even when
    // there are errors (callers serving traffic must refuse a model with errors).
    std::shared_ptr<const Model> model;
    std::vector<Diagnostic> diagnostics;  // sorted by file, line, column
    bool io_failure = false;              // the root could not be read (exit 2 in the CLI)
    size_t files = 0;                     // files read

    bool hasErrors() const;
    size_t errorCount() const;
    size_t warningCount() const;
};

// One file of a SoT: path relative to the root with '/' separators, and its bytes.
using SotFile = NamedFile;

// Loads and validates the SoT at root. Diagnostic files are root-relative paths.
LoadResult loadSot(const std::filesystem::path& root, const LoadOptions& options = {});

// Same from memory (tests, fuzzing, models fetched from a server).
LoadResult loadSotFiles(const std::vector<SotFile>& files, const LoadOptions& options = {});

// Both again, parsing only the files `cache` does not hold with the same bytes (and leaving
// in it exactly these files); the result is the same as without a cache. One load at a time
// per cache (others wait).
LoadResult loadSot(const std::filesystem::path& root,
                   const LoadOptions& options,
                   ParsedSotCache* cache);
LoadResult loadSotFiles(const std::vector<SotFile>& files,
                        const LoadOptions& options,
                        ParsedSotCache* cache);

// Reads every file of a SoT directory (sorted, hidden entries skipped). False on I/O failure.
bool readSotDir(const std::filesystem::path& root, std::vector<SotFile>& out, std::string& error);

}  // namespace vq::model
