#include "server/sot_bundle_files.h"

#include "model/sot_bundle.h"

namespace vq::server {

Result<std::string> bundleOfDir(const std::filesystem::path& root) {
    auto files = model::readSotFiles(root);
    if (!files)
        return files.status();
    return model::packSot(std::move(*files));
}

Result<std::vector<PathAndBytes>> filesOfBundle(std::string_view bundle) {
    auto files = model::unpackSot(bundle);
    if (!files)
        return files.status();
    std::vector<PathAndBytes> out;
    out.reserve(files->size());
    for (auto& f : *files)
        out.emplace_back(std::move(f.path), std::move(f.data));
    return out;
}

}  // namespace vq::server
