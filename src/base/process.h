#pragma once
// What every long-running sub-command (standalone, server, agent) does around its work:
// stop signals go to one place, settings come from a flag or else the environment, and a
// start-up failure is printed and logged the same way with exit code 2.

#include <csignal>
#include <string>
#include <string_view>

namespace vq {

// Blocks SIGINT and SIGTERM in the calling thread (and every thread it starts after), so
// that waitForStopSignal() receives them. Call first thing, before any thread starts.
sigset_t blockStopSignals();
// Waits for SIGINT or SIGTERM; returns its name ("SIGINT" or "SIGTERM").
const char* waitForStopSignal(const sigset_t& signals);

// `flag` when given, else the environment variable `env`, else "".
std::string flagOrEnv(const std::string& flag, const char* env);

inline constexpr int kExitStartupError = 2;
// Prints "vaquero <command>: <message>" on stderr, logs <EVENT> reason="<message>", and
// returns kExitStartupError.
int startupFailure(std::string_view command, std::string_view event, const std::string& message);

}  // namespace vq
