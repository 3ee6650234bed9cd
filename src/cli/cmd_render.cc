#include "cli/command.h"

namespace vq::cli {

void addRenderCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("render", "Rendering a Go template against YAML or JSON data");
    cmd->allow_extras();
    cmd->callback([&ctx] {
        ctx.exit_code =
            notYetImplemented("render", "rendering a Go template against YAML or JSON data");
    });
}

}  // namespace vq::cli
