// vaquero: one binary, one sub-command per role (DESIGN.md "One binary, six sub-commands").

#include <csignal>
#include <iostream>

#include "cli/command.h"

int main(int argc, char** argv) {
    // A peer that goes away while a file is being sent makes sendfile(2) raise SIGPIPE, whose
    // default action ends the process: one client dropping a download would stop every
    // service. Ignored, the write fails with EPIPE and only that connection ends.
    std::signal(SIGPIPE, SIG_IGN);
    CLI::App app{"Vaquero: bare-metal provisioning from a declarative source of truth", "vaquero"};
    app.require_subcommand(1);
    app.set_help_all_flag("--help-all", "Show help for every sub-command");

    vq::cli::Context ctx;
    app.add_option("--log-level", ctx.log_level,
                   "Log level: debug, info, warning, error, fatal, panic (overrides Log.Level)");

    vq::cli::addStandaloneCommand(app, ctx);
    vq::cli::addServerCommand(app, ctx);
    vq::cli::addAgentCommand(app, ctx);
    vq::cli::addValidateCommand(app, ctx);
    vq::cli::addPreviewCommand(app, ctx);
    vq::cli::addMigrateCommand(app, ctx);
    vq::cli::addRenderCommand(app, ctx);
    vq::cli::addPowerCommand(app, ctx);
    vq::cli::addPlanCommand(app, ctx);
    vq::cli::addVersionCommand(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : vq::cli::kExitUsage;
    }
    return ctx.exit_code;
}
