#pragma once
// Loads a SoT the server sent (unpacked on disk) into a model the agent can serve; a SoT
// with errors is refused, exactly as the server refuses one.

#include <filesystem>
#include <memory>

#include "base/result.h"
#include "model/model.h"

namespace vq::remote {

Result<std::shared_ptr<const model::Model>> loadServedModel(const std::filesystem::path& dir);

}  // namespace vq::remote
