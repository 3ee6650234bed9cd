#pragma once
// Loads the SoT revisions the server sends into models the agent can serve; a SoT with
// errors is refused, exactly as the server refuses one. A revision arrives whole (a bundle)
// or as a delta against the one the agent holds; the files of that one and their parses are
// kept, so that a new revision costs the parsing of the files it changed, not of all.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "model/load.h"
#include "model/model.h"

namespace vq::remote {

class ServedSot {
public:
    struct Loaded {
        std::shared_ptr<const model::Model> model;
        std::vector<model::SotFile> files;
        bool from_delta = false;
    };
    // Loads a whole bundle, or a delta made against base() (failed_precondition when it was
    // made against another). Changes nothing until accept().
    Result<Loaded> load(std::string_view blob);
    // A whole bundle and the deltas that followed it, each with the revision it applies to
    // (the agent's cache), loaded as one.
    Result<Loaded> loadChain(std::string_view bundle,
                             const std::vector<std::pair<uint64_t, std::string>>& deltas);
    // What `loaded`, server revision `revision`, becomes: the base of the next delta.
    void accept(Loaded& loaded, uint64_t revision);

    // The server revision whose files are held (0: none, ask for whole bundles).
    uint64_t base() const { return base_; }
    const std::vector<model::SotFile>& files() const { return files_; }

private:
    Result<Loaded> loadFiles(std::vector<model::SotFile> files, bool from_delta);

    std::vector<model::SotFile> files_;
    uint64_t base_ = 0;
    model::ParsedSotCache parsed_;
};

}  // namespace vq::remote
