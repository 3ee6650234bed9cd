#pragma once
// How a command that reads a SoT (preview, power, plan) loads it: the same messages and exit
// codes everywhere. An unreadable SoT is exit 2 with its diagnostics; a SoT with errors is
// exit 1 with the errors and a pointer to `vaquero validate`.

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "model/load.h"

namespace vq::cli {

struct SotInput {
    std::shared_ptr<const model::Model> model;  // null when the command must stop
    int exit_code = 0;                          // set when model is null
};

// `command` names the command in the message ("preview", "power"). With `config_dir`, the
// shared definitions come from there (the Advanced SoT: model/shared_definitions.h); without
// it, from the configuration directory the sites name, if any, as the server loads them.
SotInput loadSotFor(const std::string& command,
                    const std::string& sot,
                    const std::string& site,
                    const std::string& config_dir = {});

// Adds --config-dir to a command that reads a SoT.
void addConfigDirOption(CLI::App& cmd, std::string& config_dir);

}  // namespace vq::cli
