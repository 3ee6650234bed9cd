#include "cli/sot_input.h"

#include <iostream>

#include "cli/command.h"

namespace vq::cli {

SotInput loadSotFor(const std::string& command, const std::string& sot, const std::string& site) {
    model::LoadResult loaded = model::loadSot(sot, model::LoadOptions{site});
    if (loaded.io_failure || !loaded.model) {
        for (const auto& d : loaded.diagnostics)
            std::cerr << d.toString() << "\n";
        return {nullptr, kExitUsage};
    }
    if (loaded.hasErrors()) {
        for (const auto& d : loaded.diagnostics) {
            if (d.severity == model::Severity::Error)
                std::cerr << d.toString() << "\n";
        }
        std::cerr << command << ": the source of truth has errors; run `vaquero validate`\n";
        return {nullptr, kExitFailure};
    }
    return {loaded.model, kExitOk};
}

}  // namespace vq::cli
