#include "cli/command.h"
#include "server/serve_command.h"

namespace vq::cli {

void addServerCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("server", "The control plane: SoT, host state, agents' API");
    auto opts = std::make_shared<server::ServeOptions>();
    cmd->add_option("--config", opts->config_path, "Configuration file (CamelCase keys)")
        ->required();
    cmd->add_option("--server-private-key", opts->private_key,
                    "TLS private key of the ServerAPI (default: ServerAPI.PrivateKey)");
    cmd->add_option("--server-public-key", opts->public_key,
                    "TLS certificate of the ServerAPI (default: ServerAPI.PublicKey)");
    cmd->add_option("--shared-secret", opts->shared_secret,
                    "Secret agents prove to log in (default: $VAQUERO_SHARED_SECRET)");
    cmd->add_option("--server-secret", opts->server_secret,
                    "Secret that signs agent sessions (default: $VAQUERO_SERVER_SECRET)");
    cmd->callback([&ctx, opts] {
        opts->log_level = ctx.log_level;
        ctx.exit_code = server::runServer(*opts);
    });
}

}  // namespace vq::cli
