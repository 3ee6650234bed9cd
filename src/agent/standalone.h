#pragma once
// `vaquero standalone`: server and agent in one process. Loads the configuration, the local
// SoT, picks the site and agent, serves HTTP (boot endpoints, /files, /events), runs the
// boot services (DHCP, TFTP), re-reads the SoT every LocalDir.PollInterval, and stops
// cleanly on SIGTERM/SIGINT.

#include <string>

namespace vq::agent {

struct StandaloneOptions {
    std::string config_path;
    std::string site_id;             // --site-id, else VAQUERO_SITE_ID, else the only site
    std::string agent_id;            // --agent-id, else VAQUERO_AGENT_ID, else the only agent
    std::string log_level;           // overrides Log.Level when set
    std::string listen = "0.0.0.0";  // HTTP listen address (multihoming: all interfaces)
    int http_port = -1;              // overrides asset_server.port when >= 0 (0 = any)
    int http_threads = 0;            // 0: one per core, at least 2
    bool boot_services = true;       // DHCP + TFTP (need privileges)
};

// Runs until a signal; returns the process exit code (0 clean stop, 2 misconfiguration).
int runStandalone(const StandaloneOptions& options);

}  // namespace vq::agent
