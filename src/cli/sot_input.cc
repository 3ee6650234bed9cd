#include "cli/sot_input.h"

#include <iostream>

#include "cli/command.h"
#include "model/shared_definitions.h"

namespace vq::cli {

SotInput loadSotFor(const std::string& command,
                    const std::string& sot,
                    const std::string& site,
                    const std::string& config_dir) {
    // Without --config-dir, as the server loads a local SoT (its configuration directory too).
    model::LoadResult loaded =
        config_dir.empty()
            ? model::loadLocalSot(sot, model::LoadOptions{site}).result
            : model::loadSotWithDefinitions(sot, config_dir, model::LoadOptions{site});
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

void addConfigDirOption(CLI::App& cmd, std::string& config_dir) {
    cmd.add_option("--config-dir", config_dir,
                   "Take assets/, os/, boot/ and workflows/ from this directory (a checkout of "
                   "the configuration repository the sites' config: documents name)");
}

}  // namespace vq::cli
