#include "base/process.h"

#include <cstdlib>
#include <iostream>

#include <pthread.h>

#include "base/log.h"

namespace vq {

sigset_t blockStopSignals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

const char* waitForStopSignal(const sigset_t& signals) {
    int sig = 0;
    sigwait(&signals, &sig);
    return sig == SIGTERM ? "SIGTERM" : "SIGINT";
}

std::string flagOrEnv(const std::string& flag, const char* env) {
    if (!flag.empty())
        return flag;
    const char* v = std::getenv(env);
    return v == nullptr ? std::string() : std::string(v);
}

int startupFailure(std::string_view command, std::string_view event, const std::string& message) {
    std::cerr << "vaquero " << command << ": " << message << "\n";
    VQ_LOG_ERROR("{} reason=\"{}\"", event, message);
    return kExitStartupError;
}

}  // namespace vq
