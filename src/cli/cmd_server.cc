#include "cli/command.h"

namespace vq::cli {

void addServerCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("server", "The control plane with agent API, workflows and HA");
    cmd->allow_extras();
    cmd->callback([&ctx] {
        ctx.exit_code =
            notYetImplemented("server", "the control plane with agent API, workflows and HA");
    });
}

}  // namespace vq::cli
