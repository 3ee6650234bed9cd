#pragma once
// Typed SoT objects, one struct per schema of the original data model, defaults applied.
// Every object also keeps where it was written (file, line) so later stages can report
// problems at the right place.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/ipv4.h"
#include "base/mac_addr.h"
#include "model/raw.h"

namespace vq::model {

// A position in a SoT file (1-based; 0 when unknown).
struct Loc {
    int line = 0;
    int col = 0;
};

struct Origin {
    std::string file;  // relative to the SoT root
    int line = 0;      // where the object's map starts
    int col = 0;
};

struct DhcpOption {
    int option = 0;     // 1..254
    std::string type;   // string, uint8, uint16, uint32, int8, int16, int32, addresses, base64
    std::string value;  // scalar value as written (lists joined with ',')
};

struct Subnet {
    std::string id;
    std::string cidr_text;
    std::optional<Cidr> cidr;
    std::vector<std::string> dns;
    std::vector<std::string> ntp;
    std::string gateway_text;
    std::optional<Ipv4> gateway;
    std::string domain_name;  // `domain_name`, or `domain` as the examples write it
    int vlan = 1;
    std::vector<DhcpOption> dhcp_options;
    Loc loc, cidr_loc, gateway_loc;
    Raw raw;
};

struct AssetServer {
    std::string addr = "127.0.0.1";
    int port = 24602;
    std::string base_dir = "/var/vaquero/files";
    std::string scheme = "http";
    std::string cdn_addr;
    int cdn_port = 0;
    std::string cdn_scheme = "http";
};

struct TftpServer {
    std::string base_dir = "/var/vaquero/pxeroms";
};

struct Agent {
    std::string name;
    AssetServer asset_server;
    TftpServer tftp_server;
    std::string dhcp_mode = "server";  // server | proxy
    int dhcp_port = 67;
    int rogue_probe_seconds = 0;  // DHCP rogue-server probe interval; 0 = off
    std::string save_path = "/var/vaquero";
    std::string ssh_container = "docker.io/gemtest/openssh";
    std::string ipmi_container = "docker.io/gemtest/ipmitool";
    Raw raw;
};

// The seed documents' era: one `agent:` block per env.
struct LegacyAgent {
    std::string url = "http://127.0.0.1";
    int port = 80;
    std::string secure_url = "https://127.0.0.1";
    int secure_port = 443;
    std::string cert_path;
};

// What happens when a host fails to provision (env.yml `policy.on_failure.then`).
enum class FailureAction { rollback, halt, proceed };  // proceed is written `continue`

struct Policy {
    bool force_provision = false;
    int timeout_s = 1800;  // per stage: no checkpoint within it is a failure
    int retry = 0;         // on_failure.retry: further attempts before `then`
    FailureAction then = FailureAction::halt;
};

// Advanced-SoT `config:` header (env or first document of a cluster file).
struct SotConfig {
    std::string id;
    std::string type;  // git | local
    std::string url;
    std::string ref;
    std::string token;
};

struct RegistryAuth {
    std::string url, username, password;
};

struct Container {
    std::string image;
    bool pull = false;
    std::string command;                // v0.14: shell command string
    std::vector<std::string> args;      // v0.14: entrypoint args (templated)
    std::vector<std::string> commands;  // older: list of commands (via /bin/sh -c)
    std::vector<std::pair<std::string, std::string>> env;
    std::optional<RegistryAuth> registry_auth;
    int retry = 0;
    int timeout = 0;  // seconds, 0 = none
};

struct Bmc {
    std::string type;  // ipmi | ssh | custom
    std::string username;
    std::string password;
    std::string keypath;
    std::optional<Container> container;
    bool soft_reboot = false;
    int soft_timeout = 0;
    // Firmware the one-time network boot asks for: "legacy" (BIOS) or "efi" (UEFI).
    std::string boot_type = "legacy";
};

struct Interface {
    std::string type;  // physical | bmc
    std::string mac_text;
    std::optional<MacAddr> mac;
    std::string subnet;  // subnet id in the env
    std::optional<Bmc> bmc;
    std::string identifier;
    bool ignore_dhcp = false;
    std::string ipv4_text;
    std::optional<Ipv4> ipv4;
    std::string ipv6;
    std::string hostname;
    Loc loc, mac_loc, subnet_loc, ipv4_loc;
    Raw raw;
};

struct Host {
    std::string name;
    std::vector<Interface> interfaces;
    std::string workflow;  // v0.14: workflow id
    std::string boot;      // seed era: boot id of the inventory group document
    bool never_provision = false;
    // Seed era: selectors identify the host ({mac: .., os: installed}); keys as written.
    std::vector<std::pair<std::string, std::string>> selectors;
    Origin origin;
    Loc name_loc, ref_loc;  // ref_loc: where `workflow` (or the group's `boot`) is written
    Raw raw;
};

struct Site {
    std::string id;
    std::string name;  // defaults to id
    std::string dir;   // directory name under sites/
    std::string release_tag;
    std::string sot_id;
    std::vector<Subnet> subnets;
    std::vector<Agent> agents;
    std::optional<LegacyAgent> legacy_agent;
    Policy policy;
    std::optional<SotConfig> config;
    std::vector<Host> hosts;
    Origin origin;
    Loc id_loc;
    Raw raw;  // the env document

    const Subnet* subnet(std::string_view subnet_id) const;
    const Agent* agent(std::string_view agent_name) const;
};

// One kernel command-line entry: key and value(s); list values repeat the key.
struct CmdlineEntry {
    std::string key;
    std::vector<std::string> values;  // empty vector: bare key; "" renders as `key`
    bool is_list = false;
};

struct Os {
    std::string id;
    std::string name;  // defaults to id
    std::string major_version;
    std::string minor_version;
    std::string os_family;
    std::string release_name;
    std::string kernel;               // templated
    std::vector<std::string> initrd;  // templated
    std::vector<CmdlineEntry> cmdline;
    Origin origin;
    Loc id_loc, family_loc;
    Raw raw;
};

struct Unattended {
    std::string type;  // cloud-config | ignition | kickstart | untyped
    std::string use;   // file name under assets/<type>/
};

struct Boot {
    std::string id;
    std::string name;  // defaults to id
    std::string operating_system;
    std::optional<Unattended> unattended;
    std::vector<Container> validate;
    std::vector<Container> before_shutdown;
    Origin origin;
    Loc id_loc, os_loc, unattended_loc, type_loc, use_loc;
    Raw raw;
};

struct Stage {
    std::string boot;
    std::string next_boot;  // 2016 `next-boot`
    Loc loc, next_loc;
};

// `2` or `"25%"` (of the workflow's hosts, rounded down).
struct CountOrPercent {
    int value = 0;
    bool percent = false;
    bool operator==(const CountOrPercent&) const = default;
    // The count for `total` hosts: a percentage rounds down but is at least 1 when not 0.
    int of(size_t total) const {
        if (value <= 0)
            return 0;
        if (!percent)
            return value;
        const long long n = static_cast<long long>(total) * value / 100;
        return n < 1 ? 1 : static_cast<int>(n);
    }
};

struct Deps {
    CountOrPercent max_concurrent;  // 0 = unlimited
    int min_standing = 0;
    std::vector<std::string> block_deps;
    std::vector<std::string> validate_on;
    std::vector<std::string> safe_deps;  // 2016 docs
    CountOrPercent max_fail;             // 0 = not set: the failure policy alone decides
    // Where each reference is written, parallel to the lists above.
    std::vector<Loc> block_deps_locs, validate_on_locs, safe_deps_locs;
};

struct Workflow {
    std::string id;
    std::vector<Stage> stages;
    Deps deps;
    bool do_once = false;
    Origin origin;
    Loc id_loc;
    Raw raw;
};

struct Asset {
    std::string type;  // cloud-config | ignition | kickstart | untyped
    std::string name;  // file name (relative to assets/<type>/ or its snippets/)
    std::string path;  // relative to the SoT root
    std::string text;
};

}  // namespace vq::model
