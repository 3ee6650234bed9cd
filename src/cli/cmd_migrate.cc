#include <iostream>
#include <optional>
#include <string>

#include <unistd.h>

#include "cli/command.h"
#include "server/config.h"
#include "server/migrate.h"

namespace vq::cli {
namespace {

// A configuration file for one side; its errors printed, nullopt when unusable.
std::optional<server::Config> readSide(const std::string& flag, const std::string& path) {
    server::ConfigResult r = server::loadConfig(path);
    for (const auto& e : r.errors)
        std::cerr << e << "\n";
    if (!r.ok()) {
        std::cerr << "vaquero migrate: " << flag << " " << path << " is not usable\n";
        return std::nullopt;
    }
    return r.config;
}

}  // namespace

void addMigrateCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("migrate", "Copying stored state between stores");
    auto flags = std::make_shared<server::MigrateFlags>();
    cmd->add_option("--src", flags->src, "Configuration of the source store (SavePath or Etcd)");
    cmd->add_option("--dst", flags->dst, "Configuration of the destination store");
    cmd->add_option("--src-sot", flags->src_sot, "Only this SoT of the source");
    cmd->add_option("--src-site", flags->src_site, "Only this site (needs --src-sot)");
    cmd->add_option("--dst-sot", flags->dst_sot, "Rename the SoT (needs --src-sot)");
    cmd->add_option("--dst-site", flags->dst_site,
                    "Rename the site (needs --src-sot and --dst-sot)");
    cmd->add_flag("--ovwrt", flags->overwrite, "Overwrite what exists without asking");
    cmd->add_flag("--del", flags->del, "Remove the source once the copy is verified");
    cmd->callback([&ctx, flags] {
        if (std::string rule = server::brokenMigrateRule(*flags); !rule.empty()) {
            std::cerr << "vaquero migrate: " << rule << "\n";
            ctx.exit_code = kExitUsage;
            return;
        }
        auto src = readSide("--src", flags->src);
        auto dst = readSide("--dst", flags->dst);
        if (!src || !dst) {
            ctx.exit_code = kExitUsage;
            return;
        }
        server::MigrateIo io;
        io.out = &std::cout;
        io.err = &std::cerr;
        if (::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO)) {
            io.confirm = [](const std::string& question) {
                std::cerr << question << std::flush;
                std::string answer;
                std::getline(std::cin, answer);
                return answer == "y" || answer == "Y" || answer == "yes";
            };
        }
        ctx.exit_code = server::runMigrate(*flags, *src, *dst, std::move(io));
    });
}

}  // namespace vq::cli
