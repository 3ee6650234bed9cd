#pragma once
// `vaquero server --config F`: the control plane as a process. Flags and environment fill
// what the file leaves out (keys, secrets); anything missing is exit 2 with its name.

#include <string>

namespace vq::server {

struct ServeOptions {
    std::string config_path;
    std::string log_level;
    std::string private_key;    // --server-private-key, else ServerAPI.PrivateKey
    std::string public_key;     // --server-public-key, else ServerAPI.PublicKey
    std::string shared_secret;  // --shared-secret, else $VAQUERO_SHARED_SECRET
    std::string server_secret;  // --server-secret, else $VAQUERO_SERVER_SECRET
};

// Runs until SIGTERM/SIGINT; 0 on a clean stop, 2 on misconfiguration.
int runServer(const ServeOptions& options);

}  // namespace vq::server
