#include "cli/command.h"

namespace vq::cli {

void addAgentCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("agent", "The site-local boot services fed by a server");
    cmd->allow_extras();
    cmd->callback([&ctx] {
        ctx.exit_code = notYetImplemented("agent", "the site-local boot services fed by a server");
    });
}

}  // namespace vq::cli
