#include "remote/model_loader.h"

#include "model/load.h"

namespace vq::remote {

Result<std::shared_ptr<const model::Model>> loadServedModel(const std::filesystem::path& dir) {
    auto loaded = model::loadSot(dir);
    if (loaded.io_failure || !loaded.model)
        return Status::unavailable("cannot read the SoT in " + dir.string());
    if (loaded.hasErrors()) {
        return Status::invalidArgument(
            std::to_string(loaded.errorCount()) +
            " error(s) in the SoT received, first: " + loaded.diagnostics.front().toString());
    }
    return loaded.model;
}

}  // namespace vq::remote
