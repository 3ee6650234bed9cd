#include "cli/command.h"

namespace vq::cli {

void addStandaloneCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("standalone", "Server and agent in one process");
    cmd->allow_extras();
    cmd->callback([&ctx] {
        ctx.exit_code = notYetImplemented("standalone", "server and agent in one process");
    });
}

}  // namespace vq::cli
