#include "remote/model_loader.h"

#include "model/sot_bundle.h"
#include "model/sot_delta.h"

namespace vq::remote {

Result<ServedSot::Loaded> ServedSot::load(std::string_view blob) {
    Loaded out;
    out.from_delta = model::isSotDelta(blob);
    auto files =
        out.from_delta ? model::applySotDelta(base_, files_, blob) : model::unpackSot(blob);
    if (!files)
        return files.status().prefixed("bundle");
    auto loaded = model::loadSotFiles(*files, {}, &parsed_);
    if (!loaded.model)
        return Status::unavailable("cannot load the SoT received");
    if (loaded.hasErrors()) {
        return Status::invalidArgument(
            std::to_string(loaded.errorCount()) +
            " error(s) in the SoT received, first: " + loaded.diagnostics.front().toString());
    }
    out.model = std::move(loaded.model);
    out.files = std::move(*files);
    return out;
}

void ServedSot::accept(Loaded& loaded, uint64_t revision) {
    files_ = std::move(loaded.files);
    base_ = revision;
}

}  // namespace vq::remote
