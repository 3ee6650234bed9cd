#include "server/serve_command.h"

#include <cstdlib>
#include <iostream>

#include <pthread.h>
#include <signal.h>

#include "base/log.h"
#include "base/process.h"
#include "server/control_plane.h"

namespace vq::server {
namespace {

int fail(const std::string& message) {
    return startupFailure("server", "SERVER_FAILED", message);
}

}  // namespace

int runServer(const ServeOptions& options) {
    const sigset_t signals = blockStopSignals();

    auto loaded = loadConfigForRun(options.config_path, options.log_level);
    if (!loaded)
        return fail(loaded.message());
    Config config = *loaded;
    if (!options.private_key.empty())
        config.server_api.private_key = options.private_key;
    if (!options.public_key.empty())
        config.server_api.public_key = options.public_key;

    ControlPlaneOptions cpo;
    cpo.secrets.shared_secret = flagOrEnv(options.shared_secret, "VAQUERO_SHARED_SECRET");
    cpo.secrets.server_secret = flagOrEnv(options.server_secret, "VAQUERO_SERVER_SECRET");
    auto created = ControlPlane::create(config, cpo);
    if (!created)
        return fail(created.message());
    ControlPlane& cp = **created;
    if (Status st = cp.start(); !st)
        return fail(st.message());
    VQ_LOG_INFO("SERVER_READY server_api={}:{} user_api={}:{}", config.server_api.endpoint.addr,
                cp.serverApiPort(), config.user_api.addr, cp.server().userApiPort());

    VQ_LOG_INFO("SERVER_STOPPING signal={}", waitForStopSignal(signals));
    cp.stop();
    VQ_LOG_INFO("SERVER_STOPPED");
    spdlog::default_logger()->flush();
    return 0;
}

}  // namespace vq::server
