#pragma once
// Each sub-command lives in its own cmd_<name>.cc and registers itself on the
// root CLI11 app. Commands stay thin: parse flags, call one function below.

#include <string>

#include <CLI/CLI.hpp>

namespace vq::cli {

struct Context {
    int exit_code = 0;
    std::string log_level;  // --log-level, overrides the config file
};

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and found errors
inline constexpr int kExitUsage = 2;    // bad usage or I/O failure
// The command exists in the design but not in this build: scripts can tell it from a typo.
inline constexpr int kExitNotAvailable = 3;

void addStandaloneCommand(CLI::App& app, Context& ctx);
void addServerCommand(CLI::App& app, Context& ctx);
void addAgentCommand(CLI::App& app, Context& ctx);
void addValidateCommand(CLI::App& app, Context& ctx);
void addPreviewCommand(CLI::App& app, Context& ctx);
void addMigrateCommand(CLI::App& app, Context& ctx);
void addRenderCommand(CLI::App& app, Context& ctx);
void addPowerCommand(CLI::App& app, Context& ctx);
void addPlanCommand(CLI::App& app, Context& ctx);
void addVersionCommand(CLI::App& app, Context& ctx);

// For commands this version does not have yet: says so and exits kExitNotAvailable.
int notYetImplemented(const std::string& command, const std::string& what);

}  // namespace vq::cli
