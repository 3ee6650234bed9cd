#pragma once
// A model revision: one accepted load of a SoT, numbered by the server in the order it
// accepted them. Agents serve a site from a revision; hosts will be pinned to one.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/file_set.h"
#include "model/model.h"

namespace vq::control {

struct ModelRevision {
    uint64_t number = 0;    // 1, 2, ... per server; 0 = none
    std::string source_id;  // the SoT's id in the server's config
    std::string commit;     // the git commit it came from; empty for a local directory
    std::chrono::system_clock::time_point loaded{};
    std::shared_ptr<const model::Model> model;  // immutable, shared by every reader
    // The files the model was loaded from, when the publisher kept them (a directory reload):
    // bundles are packed from these instead of reading the SoT again. Null otherwise.
    std::shared_ptr<const std::vector<NamedFile>> files;
};

using RevisionPtr = std::shared_ptr<const ModelRevision>;

}  // namespace vq::control
