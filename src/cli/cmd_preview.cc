#include "cli/command.h"

namespace vq::cli {

void addPreviewCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("preview", "Rendering what a host would receive");
    cmd->allow_extras();
    cmd->callback([&ctx] {
        ctx.exit_code = notYetImplemented("preview", "rendering what a host would receive");
    });
}

}  // namespace vq::cli
