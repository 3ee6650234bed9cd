#include <iostream>

#include "base/version.h"
#include "cli/command.h"

namespace vq::cli {

void addVersionCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("version", "Print the version");
    cmd->callback([&ctx] {
        std::cout << "vaquero " << version() << "\n";
        ctx.exit_code = kExitOk;
    });
}

}  // namespace vq::cli
