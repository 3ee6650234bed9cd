#include "cli/command.h"

namespace vq::cli {

void addMigrateCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("migrate", "Copying stored state between stores");
    cmd->allow_extras();
    cmd->callback([&ctx] {
        ctx.exit_code = notYetImplemented("migrate", "copying stored state between stores");
    });
}

}  // namespace vq::cli
