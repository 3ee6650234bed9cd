#pragma once
// `vaquero agent --config F`: a site's boot services fed by a server over HTTPS. The file
// gives ServerClient (Addr, Port, InsecureSkipVerify), SavePath (the cache) and Log; the
// site, agent id and shared secret come from flags or VAQUERO_SITE_ID, VAQUERO_AGENT_ID and
// VAQUERO_SHARED_SECRET. What the agent serves (DHCP mode, asset server) is the site's
// agents[] entry in the SoT, as in `standalone`. It runs its site's tasks (power actions,
// containers) with the file's Containers: and Tasks: settings.

#include <string>

namespace vq::agentd {

struct AgentCommandOptions {
    std::string config_path;
    std::string log_level;
    std::string site_id;
    std::string agent_id;
    std::string shared_secret;
    std::string server_addr;  // overrides ServerClient.Addr
    int server_port = -1;     // overrides ServerClient.Port
    bool insecure = false;    // -k: ServerClient.InsecureSkipVerify
    std::string ca_file;      // overrides ServerClient.CAFile (default: the system's CAs)
    std::string listen = "0.0.0.0";
    int http_port = -1;  // overrides asset_server.port when >= 0 (0 = any)
    int http_threads = 0;
    bool boot_services = true;
    int start_wait_s = 10;  // for a first revision (server or cache) at start-up
};

// Runs until SIGTERM/SIGINT; 0 on a clean stop, 2 on misconfiguration or nothing to serve.
int runAgent(const AgentCommandOptions& options);

}  // namespace vq::agentd
