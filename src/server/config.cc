#include "server/config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "base/log.h"
#include "base/text.h"

namespace vq::server {
namespace {

// Reads one YAML document with positions in every message.
class Reader {
public:
    Reader(ConfigResult& result, std::string file) : r_(result), file_(std::move(file)) {}

    std::string where(const YAML::Node& n) const {
        const auto m = n.Mark();
        if (m.line < 0)
            return file_;
        return file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    }
    void error(const YAML::Node& n, const std::string& msg) {
        r_.errors.push_back(where(n) + ": " + msg);
    }
    void warn(const YAML::Node& n, const std::string& msg) {
        r_.warnings.push_back(where(n) + ": " + msg);
    }

    // A map section: keys are looked up case-insensitively; leftovers are warned about.
    class Section {
    public:
        Section(Reader& rd, YAML::Node node, std::string path)
            : rd_(rd), node_(node), path_(std::move(path)) {}

        // The value under any of the spellings, or an undefined node.
        YAML::Node get(std::initializer_list<std::string_view> names) {
            if (!node_.IsMap())
                return YAML::Node(YAML::NodeType::Undefined);
            for (auto it = node_.begin(); it != node_.end(); ++it) {
                const std::string key = toLowerAscii(it->first.Scalar());
                for (auto name : names) {
                    if (key == toLowerAscii(name)) {
                        used_.insert(it->first.Scalar());
                        return it->second;
                    }
                }
            }
            return YAML::Node(YAML::NodeType::Undefined);
        }
        void string(std::initializer_list<std::string_view> names, std::string& out) {
            auto n = get(names);
            if (!n.IsDefined() || n.IsNull())
                return;
            if (!n.IsScalar()) {
                rd_.error(n, path_ + std::string(*names.begin()) + ": expected a string");
                return;
            }
            out = n.Scalar();
        }
        void integer(std::initializer_list<std::string_view> names, int& out, int min, int max) {
            auto n = get(names);
            if (!n.IsDefined() || n.IsNull())
                return;
            long long v = 0;
            bool ok = n.IsScalar();
            if (ok) {
                try {
                    v = n.as<long long>();
                } catch (const YAML::Exception&) {
                    ok = false;
                }
            }
            if (!ok || v < min || v > max) {
                rd_.error(n, path_ + std::string(*names.begin()) + ": expected an integer in [" +
                                 std::to_string(min) + ", " + std::to_string(max) + "], got '" +
                                 (n.IsScalar() ? n.Scalar() : std::string("a collection")) + "'");
                return;
            }
            out = static_cast<int>(v);
        }
        void boolean(std::initializer_list<std::string_view> names, bool& out) {
            auto n = get(names);
            if (!n.IsDefined() || n.IsNull())
                return;
            try {
                out = n.as<bool>();
            } catch (const YAML::Exception&) {
                rd_.error(n, path_ + std::string(*names.begin()) + ": expected true or false");
            }
        }
        void strings(std::initializer_list<std::string_view> names, std::vector<std::string>& out) {
            auto n = get(names);
            if (!n.IsDefined() || n.IsNull())
                return;
            if (!n.IsSequence()) {
                rd_.error(n, path_ + std::string(*names.begin()) + ": expected a list of strings");
                return;
            }
            out.clear();
            for (const auto& item : n) {
                if (!item.IsScalar()) {
                    rd_.error(item, path_ + std::string(*names.begin()) + ": expected a string");
                    continue;
                }
                out.push_back(item.Scalar());
            }
        }
        void endpoint(Endpoint& ep) {
            string({"Addr", "Address"}, ep.addr);
            integer({"Port"}, ep.port, 1, 65535);
        }
        // Keys nobody asked for: probably a typo, never fatal.
        void warnUnknown() {
            if (!node_.IsMap())
                return;
            for (auto it = node_.begin(); it != node_.end(); ++it) {
                if (!used_.count(it->first.Scalar())) {
                    rd_.warn(it->first, "unknown key '" + path_ + it->first.Scalar() + "' ignored");
                }
            }
        }
        bool isMap(const YAML::Node& n, const std::string& name) {
            if (!n.IsDefined() || n.IsNull())
                return false;
            if (!n.IsMap()) {
                rd_.error(n, name + ": expected a map");
                return false;
            }
            return true;
        }

    private:
        Reader& rd_;
        YAML::Node node_;
        std::string path_;
        std::set<std::string> used_;
    };

    ConfigResult& r_;
    std::string file_;
};

void parseSots(Reader& rd, const YAML::Node& list, Config& c) {
    if (!list.IsSequence()) {
        rd.error(list, "SoT: expected a list of {Local: ...} or {Git: ...}");
        return;
    }
    std::set<std::string> ids;
    for (size_t i = 0; i < list.size(); ++i) {
        const YAML::Node item = list[i];
        const std::string path = "SoT[" + std::to_string(i) + "].";
        Reader::Section entry(rd, item, path);
        SotSourceConfig sot;
        auto local = entry.get({"Local"});
        auto git = entry.get({"Git"});
        entry.warnUnknown();
        if (local.IsDefined() == git.IsDefined()) {
            rd.error(item, path + ": each SoT entry needs exactly one of Local or Git");
            continue;
        }
        if (!entry.isMap(local.IsDefined() ? local : git,
                         path + (local.IsDefined() ? "Local" : "Git"))) {
            rd.error(item, path + ": empty SoT entry");
            continue;
        }
        if (local.IsDefined()) {
            Reader::Section s(rd, local, path + "Local.");
            s.string({"ID"}, sot.id);
            s.string({"Root"}, sot.root);
            s.warnUnknown();
            if (sot.root.empty())
                rd.error(local, path + "Local.Root: required");
        } else {
            sot.kind = SotSourceConfig::Kind::Git;
            Reader::Section s(rd, git, path + "Git.");
            s.string({"ID"}, sot.id);
            s.string({"HookID"}, sot.hook_id);
            s.string({"Branch"}, sot.branch);
            s.warnUnknown();
            if (sot.branch.empty()) {
                sot.branch = "master";
                rd.warn(git, path + "Git.Branch: not set, following 'master'");
            }
            const bool known = std::any_of(c.git_hooks.begin(), c.git_hooks.end(),
                                           [&](const auto& h) { return h.id == sot.hook_id; });
            if (sot.hook_id.empty()) {
                rd.error(git, path + "Git.HookID: required");
            } else if (!known) {
                rd.error(git, path + "Git.HookID: no GitHook with ID '" + sot.hook_id + "'");
            }
        }
        if (sot.id.empty()) {
            rd.error(item, path + "ID: required");
        } else if (sot.id.find('/') != std::string::npos || sot.id == "." || sot.id == "..") {
            // The ID names the SoT's directories under SavePath (git/<ID>, sots/<ID>).
            rd.error(item, path + "ID: '" + sot.id + "' cannot name a directory");
        } else if (!ids.insert(sot.id).second) {
            rd.error(item, path + "ID: duplicate SoT ID '" + sot.id + "'");
        }
        c.sots.push_back(std::move(sot));
    }
}

void parseRoot(Reader& rd, const YAML::Node& root, Config& c) {
    Reader::Section top(rd, root, "");
    if (auto n = top.get({"ServerAPI"}); top.isMap(n, "ServerAPI")) {
        Reader::Section s(rd, n, "ServerAPI.");
        s.endpoint(c.server_api.endpoint);
        s.string({"PrivateKey"}, c.server_api.private_key);
        s.string({"PublicKey"}, c.server_api.public_key);
        s.warnUnknown();
    }
    if (auto n = top.get({"ServerClient"}); top.isMap(n, "ServerClient")) {
        Reader::Section s(rd, n, "ServerClient.");
        s.endpoint(c.server_client.endpoint);
        s.boolean({"InsecureSkipVerify"}, c.server_client.insecure_skip_verify);
        s.string({"CAFile", "CaFile"}, c.server_client.ca_file);
        s.warnUnknown();
    }
    if (auto n = top.get({"UserApi"}); top.isMap(n, "UserApi")) {
        Reader::Section s(rd, n, "UserApi.");
        s.endpoint(c.user_api);
        s.string({"Token"}, c.user_api_token);
        s.boolean({"ReadWithoutToken"}, c.user_api_read_without_token);
        s.warnUnknown();
    }
    top.string({"SavePath"}, c.save_path);
    if (auto n = top.get({"Gitter"}); top.isMap(n, "Gitter")) {
        Reader::Section s(rd, n, "Gitter.");
        s.string({"Endpoint"}, c.gitter.endpoint);
        s.endpoint(c.gitter.listen);
        s.integer({"Timeout"}, c.gitter.timeout_s, 1, 3600);
        s.warnUnknown();
    }
    if (auto n = top.get({"GitHook"}); n.IsDefined() && !n.IsNull()) {
        if (!n.IsSequence()) {
            rd.error(n, "GitHook: expected a list");
        } else {
            for (size_t i = 0; i < n.size(); ++i) {
                Reader::Section s(rd, n[i], "GitHook[" + std::to_string(i) + "].");
                GitHookConfig h;
                s.string({"ID"}, h.id);
                s.string({"Token"}, h.token);
                s.string({"URL"}, h.url);
                s.string({"Secret"}, h.secret);
                s.warnUnknown();
                const std::string path = "GitHook[" + std::to_string(i) + "].";
                if (h.id.empty())
                    rd.error(n[i], path + "ID: required");
                if (h.url.empty())
                    rd.error(n[i], path + "URL: required (the repository to fetch)");
                for (const auto& other : c.git_hooks) {
                    if (!h.id.empty() && other.id == h.id)
                        rd.error(n[i], path + "ID: duplicate GitHook ID '" + h.id + "'");
                }
                if (h.secret.empty() && !h.id.empty())
                    rd.warn(n[i], path +
                                      "Secret: not set, deliveries to this hook are not "
                                      "authenticated");
                c.git_hooks.push_back(std::move(h));
            }
        }
    }
    if (auto n = top.get({"Containers"}); top.isMap(n, "Containers")) {
        Reader::Section s(rd, n, "Containers.");
        s.string({"Engine"}, c.containers.engine);
        s.string({"Binary"}, c.containers.binary);
        s.strings({"GlobalArgs"}, c.containers.global_args);
        s.strings({"RunArgs"}, c.containers.run_args);
        s.integer({"Timeout"}, c.containers.timeout_s, 1, 86400);
        s.integer({"OutputLimit"}, c.containers.output_limit, 1024, 64 * 1024 * 1024);
        s.warnUnknown();
        if (c.containers.engine != "podman" && c.containers.engine != "docker")
            rd.error(s.get({"Engine"}),
                     "Containers.Engine: '" + c.containers.engine + "' is not podman or docker");
    }
    if (auto n = top.get({"LocalDir"}); top.isMap(n, "LocalDir")) {
        Reader::Section s(rd, n, "LocalDir.");
        s.integer({"PollInterval"}, c.poll_interval_s, 1, 86400);
        s.warnUnknown();
    }
    if (auto n = top.get({"Tasks"}); top.isMap(n, "Tasks")) {
        Reader::Section s(rd, n, "Tasks.");
        s.integer({"PickupTimeout"}, c.tasks.pickup_timeout_s, 1, 86400);
        s.integer({"Threads"}, c.tasks.threads, 1, 1024);
        s.warnUnknown();
    }
    if (auto n = top.get({"Revisions"}); top.isMap(n, "Revisions")) {
        Reader::Section s(rd, n, "Revisions.");
        s.integer({"Keep"}, c.revisions_keep, 1, 100000);
        s.warnUnknown();
    }
    if (auto n = top.get({"SoT"}); n.IsDefined() && !n.IsNull())
        parseSots(rd, n, c);
    if (auto n = top.get({"Log"}); top.isMap(n, "Log")) {
        Reader::Section s(rd, n, "Log.");
        s.string({"Level"}, c.log.level);
        s.string({"Location"}, c.log.location);
        s.string({"Type", "LogType"}, c.log.type);
        s.warnUnknown();
        static const std::set<std::string> kLevels = {"debug", "info",  "warning", "warn",
                                                      "error", "fatal", "panic",   "trace"};
        if (!kLevels.count(toLowerAscii(c.log.level))) {
            rd.error(s.get({"Level"}), "Log.Level: unknown level '" + c.log.level +
                                           "' (want debug, info, warning, error, fatal or panic)");
        }
        c.log.type = toLowerAscii(c.log.type);
        if (c.log.type != "text" && c.log.type != "json") {
            rd.error(s.get({"Type", "LogType"}),
                     "Log.Type: unknown type '" + c.log.type + "' (want text or json)");
        }
    }
    if (auto n = top.get({"Etcd"}); top.isMap(n, "Etcd")) {
        c.etcd.present = true;
        Reader::Section s(rd, n, "Etcd.");
        if (auto e = s.get({"Endpoints"}); e.IsDefined() && !e.IsNull()) {
            if (!e.IsSequence()) {
                rd.error(e, "Etcd.Endpoints: expected a list of URLs");
            } else {
                for (const auto& url : e) {
                    if (url.IsScalar()) {
                        c.etcd.endpoints.push_back(url.Scalar());
                    } else {
                        rd.error(url, "Etcd.Endpoints: expected a URL");
                    }
                }
            }
        }
        s.string({"Root"}, c.etcd.root);
        s.integer({"Timeout"}, c.etcd.timeout_s, 1, 3600);
        s.integer({"Retry"}, c.etcd.retry, 0, 1000);
        s.boolean({"HA"}, c.etcd.ha);
        s.integer({"TTL"}, c.etcd.lease_ttl_s, 1, 60);
        s.string({"CAFile", "CaFile"}, c.etcd.ca_file);
        s.string({"CertFile"}, c.etcd.cert_file);
        s.string({"KeyFile"}, c.etcd.key_file);
        s.warnUnknown();
        if (c.etcd.endpoints.empty())
            rd.error(n, "Etcd.Endpoints: at least one endpoint is needed");
        if (c.etcd.cert_file.empty() != c.etcd.key_file.empty())
            rd.error(n, "Etcd.CertFile and Etcd.KeyFile: both or neither");
        const bool any_https =
            std::any_of(c.etcd.endpoints.begin(), c.etcd.endpoints.end(),
                        [](const std::string& e) { return e.starts_with("https://"); });
        if (!any_https && (!c.etcd.ca_file.empty() || !c.etcd.cert_file.empty()))
            rd.error(n, "Etcd.CAFile/CertFile/KeyFile: no endpoint is https://");
    }
    // Settings that moved into the SoT (env.yml agents[]) in v0.12: accepted, not used.
    for (auto legacy : {"AssetServer", "Assets", "DHCPMode", "DHCPCIDR", "AgentApi"}) {
        if (auto n = top.get({legacy}); n.IsDefined()) {
            rd.warn(n, std::string(legacy) +
                           " is ignored: agent settings live in the SoT (sites/<site>/env.yml "
                           "agents[])");
        }
    }
    top.warnUnknown();
}

}  // namespace

container::RuntimeConfig containerRuntime(const ContainersConfig& c) {
    container::RuntimeConfig r;
    r.runtime = c.engine;
    r.binary = c.binary;
    r.global_args = c.global_args;
    r.run_args = c.run_args;
    r.default_timeout_s = c.timeout_s;
    r.output_limit = static_cast<size_t>(c.output_limit);
    return r;
}

ConfigResult parseConfig(std::string_view text, const std::string& file) {
    ConfigResult result;
    result.config.file = file;
    Reader rd(result, file);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
        result.errors.push_back(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                                std::to_string(e.mark.column + 1) + ": " + e.msg);
        return result;
    } catch (const YAML::Exception& e) {
        result.errors.push_back(file + ": " + e.what());
        return result;
    }
    if (root.IsNull() || !root.IsDefined())
        return result;  // empty file: every default
    if (!root.IsMap()) {
        result.errors.push_back(rd.where(root) + ": the configuration must be a map of settings");
        return result;
    }
    try {
        parseRoot(rd, root, result.config);
    } catch (const YAML::Exception& e) {
        result.errors.push_back(file + ": " + e.what());
    }
    return result;
}

Result<Config> loadConfigForRun(const std::string& path, const std::string& log_level) {
    if (path.empty())
        return Status::invalidArgument("--config is required");
    auto loaded = loadConfig(path);
    for (const auto& w : loaded.warnings)
        std::cerr << "warning: " << w << "\n";
    if (!loaded.ok()) {
        for (const auto& e : loaded.errors)
            std::cerr << "error: " << e << "\n";
        return Status::invalidArgument("invalid configuration " + path);
    }
    LogSettings log = loaded.config.log;
    if (!log_level.empty())
        log.level = log_level;
    VQ_TRY(configureLogging(log));
    for (const auto& w : loaded.warnings)
        VQ_LOG_WARN("CONFIG_WARNING {}", w);
    return std::move(loaded.config);
}

ConfigResult loadConfig(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ConfigResult r;
        r.errors.push_back(path + ": cannot read the configuration file");
        return r;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parseConfig(text.str(), path);
}

namespace {
constexpr const char* kSotsDir = "sots";  // SavePath/sots/<ID>: every SoT but the first
}  // namespace

std::string sotStateDir(const Config& config, std::string_view sot_id) {
    if (config.sots.size() <= 1 || config.sots.front().id == sot_id)
        return config.save_path;
    return (std::filesystem::path(config.save_path) / kSotsDir / std::string(sot_id)).string();
}

std::vector<std::string> sotStateDirsUnder(const std::string& save_path) {
    namespace fs = std::filesystem;
    std::vector<std::string> out{save_path};
    std::vector<std::string> others;
    std::error_code ec;  // without exceptions: an unreadable directory is no state
    for (fs::directory_iterator it(fs::path(save_path) / kSotsDir, ec), end; !ec && it != end;
         it.increment(ec)) {
        others.push_back(it->path().string());
    }
    std::sort(others.begin(), others.end());
    out.insert(out.end(), others.begin(), others.end());
    return out;
}

}  // namespace vq::server
