#pragma once
// The process configuration file (`--config F`) in the original's format: CamelCase keys
// (ServerAPI, ServerClient, UserApi, SavePath, Gitter, GitHook, LocalDir, SoT, Log, Etcd),
// matched case-insensitively, `Addr`/`Address` both accepted, `Log.Type`/`Log.LogType` both
// accepted, the documented defaults applied. Agent settings (DHCP mode, asset server, TFTP
// root) are not here: they live in the SoT's env.yml `agents[]`.

#include <string>
#include <string_view>
#include <vector>

#include "container/spec.h"

#include "base/log.h"
#include "base/result.h"

namespace vq::server {

struct Endpoint {
    std::string addr = "127.0.0.1";
    int port = 0;
};

struct ServerApiConfig {
    Endpoint endpoint{"127.0.0.1", 24601};
    std::string private_key;
    std::string public_key;
};

struct ServerClientConfig {
    Endpoint endpoint{"127.0.0.1", 24601};
    bool insecure_skip_verify = false;
    std::string ca_file;  // CAs that sign the server's certificate; empty: the system's
};

struct GitterConfig {
    std::string endpoint = "/postreceive";
    Endpoint listen{"127.0.0.1", 24603};
    int timeout_s = 2;
};

struct GitHookConfig {
    std::string id;      // the webhook's path: <Gitter.Endpoint>/<id>
    std::string token;   // https: the password sent with the fetch
    std::string url;     // the repository fetched (file://, https://, ssh://)
    std::string secret;  // the webhook's HMAC key; empty: deliveries are not checked
};

struct SotSourceConfig {
    enum class Kind { Local, Git };
    Kind kind = Kind::Local;
    std::string id;
    std::string root;     // Local
    std::string hook_id;  // Git: a GitHookConfig's id
    std::string branch;   // Git; "master" when not set
};

struct EtcdConfig {
    bool present = false;  // an Etcd section selects etcd storage instead of files
    std::vector<std::string> endpoints;
    std::string root = "vaqueroServer";
    int timeout_s = 2;
    int retry = 3;
    bool ha = false;
    int lease_ttl_s = 2;  // Etcd.TTL: the leader's lease; kept alive at a third of it
    // TLS to https:// endpoints: the CAs that sign the members' certificates (empty: the
    // system's), and the client certificate and key for members that require one.
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
};

// How this process runs containers (validate, before_shutdown, custom BMCs): which engine,
// and the options a machine's engine needs (e.g. podman on hosts that refuse crun:
// GlobalArgs [--runtime, runc, --cgroup-manager, cgroupfs]); configuration, not code.
struct ContainersConfig {
    std::string engine = "podman";  // podman | docker
    std::string binary;             // empty: the engine's name looked up in PATH
    std::vector<std::string> global_args;
    std::vector<std::string> run_args;
    int timeout_s = 600;  // for containers without a timeout of their own
    int output_limit = 64 * 1024;
};

// Power actions and containers are tasks run by the host's site's agents. Tasks.PickupTimeout
// (server): a task no agent of its site takes within it fails (the host's failure policy
// applies). Tasks.Threads (agent): tasks run at once; more wait.
struct TasksConfig {
    int pickup_timeout_s = 60;
    int threads = 16;
};

// The container engine settings as src/container takes them (agents run the containers).
container::RuntimeConfig containerRuntime(const ContainersConfig& c);

struct Config {
    std::string file;  // where it was read from, for messages
    ServerApiConfig server_api;
    ServerClientConfig server_client;
    Endpoint user_api{"127.0.0.1", 24604};
    // UserApi.Token: bearer token the User API asks for (empty: none, actions are open);
    // UserApi.ReadWithoutToken: GET and HEAD need no token.
    std::string user_api_token;
    bool user_api_read_without_token = false;
    std::string save_path = "/var/vaquero";
    GitterConfig gitter;
    std::vector<GitHookConfig> git_hooks;
    int poll_interval_s = 10;  // LocalDir.PollInterval
    // Revisions.Keep: accepted SoT loads kept in the store besides those a host is pinned to.
    int revisions_keep = 20;
    std::vector<SotSourceConfig> sots;
    LogSettings log;
    EtcdConfig etcd;
    ContainersConfig containers;
    TasksConfig tasks;
};

struct ConfigResult {
    Config config;
    std::vector<std::string> errors;    // "file:line:col: message"; any error = unusable
    std::vector<std::string> warnings;  // unknown keys, settings that moved to the SoT
    bool ok() const { return errors.empty(); }
};

// Where the embedded store (vaquero.db) and the task journal of a SoT live: SavePath for the
// first SoT listed, and for any SoT of a configuration that lists one or none (where a server
// of one SoT always kept them, whatever its ID); SavePath/sots/<ID> for the others.
std::string sotStateDir(const Config& config, std::string_view sot_id);
// Every directory under `save_path` sotStateDir may have chosen: SavePath itself, then each
// SavePath/sots/<ID> in name order (for tools that have a SavePath and no configuration;
// an unreadable sots/ lists none of its entries).
std::vector<std::string> sotStateDirsUnder(const std::string& save_path);

// Parses YAML text; `file` names it in messages.
ConfigResult parseConfig(std::string_view text, const std::string& file);
// Reads and parses a file; an unreadable file is an error.
ConfigResult loadConfig(const std::string& path);
// How every long-running command (standalone, server, agent) starts: reads the file (its
// warnings and errors printed on stderr), applies `log_level` (the --log-level flag) when
// set, configures logging and logs the warnings. The error says what failed.
Result<Config> loadConfigForRun(const std::string& path, const std::string& log_level);

}  // namespace vq::server
