#include "server/stored_revision_files.h"

#include <string>
#include <utility>

#include "model/sot_bundle.h"

namespace vq::server {

Result<StoredSot> storedRevisionFiles(workflow::RolloutStore& store, uint64_t number) {
    auto stored = store.revision(number);
    if (!stored)
        return stored.status();
    if (!*stored)
        return Status::notFound("revision " + std::to_string(number) + " is not stored");
    auto files = model::unpackSot((*stored)->bundle);
    if (!files)
        return files.status().prefixed("revision " + std::to_string(number));
    StoredSot out{std::move(**stored), std::move(*files)};
    out.revision.bundle.clear();
    return out;
}

}  // namespace vq::server
