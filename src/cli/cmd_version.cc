#include <iostream>

#include "cli/command.h"

#ifndef VQ_VERSION
#define VQ_VERSION "dev"
#endif

namespace vq::cli {

void addVersionCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("version", "Print the version");
    cmd->callback([&ctx] {
        std::cout << "vaquero " << VQ_VERSION << "\n";
        ctx.exit_code = kExitOk;
    });
}

}  // namespace vq::cli
