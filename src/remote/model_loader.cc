#include "remote/model_loader.h"

#include "model/sot_bundle.h"
#include "model/sot_delta.h"

namespace vq::remote {

Result<ServedSot::Loaded> ServedSot::load(std::string_view blob) {
    const bool from_delta = model::isSotDelta(blob);
    auto files = from_delta ? model::applySotDelta(base_, files_, blob) : model::unpackSot(blob);
    if (!files)
        return files.status().prefixed("bundle");
    return loadFiles(std::move(*files), from_delta);
}

Result<ServedSot::Loaded> ServedSot::loadChain(
    std::string_view bundle, const std::vector<std::pair<uint64_t, std::string>>& deltas) {
    auto files = model::unpackSot(bundle);
    if (!files)
        return files.status().prefixed("bundle");
    for (const auto& [base, blob] : deltas) {
        auto next = model::applySotDelta(base, *files, blob);
        if (!next)
            return next.status().prefixed("delta on " + std::to_string(base));
        files = std::move(next);
    }
    return loadFiles(std::move(*files), false);
}

Result<ServedSot::Loaded> ServedSot::loadFiles(std::vector<model::SotFile> files, bool from_delta) {
    Loaded out;
    out.from_delta = from_delta;
    auto loaded = model::loadSotFiles(files, {}, &parsed_);
    if (!loaded.model)
        return Status::unavailable("cannot load the SoT received");
    if (loaded.hasErrors()) {
        return Status::invalidArgument(
            std::to_string(loaded.errorCount()) +
            " error(s) in the SoT received, first: " + loaded.diagnostics.front().toString());
    }
    out.model = std::move(loaded.model);
    out.files = std::move(files);
    return out;
}

void ServedSot::accept(Loaded& loaded, uint64_t revision) {
    files_ = std::move(loaded.files);
    base_ = revision;
}

}  // namespace vq::remote
