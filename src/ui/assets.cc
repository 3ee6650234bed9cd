#include "ui/assets.h"

namespace vq::ui {
namespace generated {
// Defined in the generated ui_files.cc; ends with an entry whose path is empty.
extern const Asset kFiles[];
}  // namespace generated

const Asset* findAsset(std::string_view path) {
    for (const Asset* f = generated::kFiles; !f->path.empty(); ++f) {
        if (f->path == path)
            return f;
    }
    return nullptr;
}

}  // namespace vq::ui
