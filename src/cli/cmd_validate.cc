#include "cli/command.h"

namespace vq::cli {

void addValidateCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("validate", "Data model validation");
    cmd->allow_extras();
    cmd->callback(
        [&ctx] { ctx.exit_code = notYetImplemented("validate", "data model validation"); });
}

}  // namespace vq::cli
