#include "render/config_checks.h"

#include <algorithm>
#include <array>
#include <string>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "render/yaml_scalar.h"

namespace vq::render {
namespace {

ConfigIssue at(bool error, const YAML::Node& node, std::string path, std::string message) {
    ConfigIssue i;
    i.error = error;
    if (node.IsDefined()) {
        i.line = node.Mark().line + 1;
        i.col = node.Mark().column + 1;
    }
    i.path = std::move(path);
    i.message = std::move(message);
    return i;
}

template <size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

// Keys coreos-cloudinit understood; anything else it ignored with a warning.
constexpr auto kCloudConfigKeys =
    std::to_array<std::string_view>({"coreos", "ssh_authorized_keys", "hostname", "users",
                                     "write_files", "manage_etc_hosts", "write-files"});
constexpr auto kCoreosKeys = std::to_array<std::string_view>(
    {"etcd", "etcd2", "fleet", "flannel", "locksmith", "update", "units", "oem"});

void checkListOfMaps(const YAML::Node& node,
                     const std::string& path,
                     std::string_view required,
                     std::vector<ConfigIssue>& out) {
    if (node.IsNull())
        return;
    if (!node.IsSequence()) {
        out.push_back(at(true, node, path, "expected a list"));
        return;
    }
    for (size_t i = 0; i < node.size(); ++i) {
        const YAML::Node item = node[i];
        std::string sub = fmt::format("{}[{}]", path, i);
        if (!item.IsMap()) {
            out.push_back(at(true, item, sub, "expected a map"));
        } else if (auto r = mapChild(item, required); !required.empty() && !(r && r->IsScalar())) {
            out.push_back(at(true, item, sub, fmt::format("`{}` is required", required)));
        }
    }
}

}  // namespace

std::vector<ConfigIssue> checkCloudConfig(std::string_view rendered) {
    std::vector<ConfigIssue> out;
    std::string_view first = rendered.substr(0, rendered.find('\n'));
    while (!first.empty() && (first.back() == '\r' || first.back() == ' '))
        first.remove_suffix(1);
    if (first != "#cloud-config") {
        out.push_back({true, 1, 1, "", "the first line must be `#cloud-config`"});
    }
    YAML::Node root;
    try {
        root = YAML::Load(std::string(rendered));
    } catch (const YAML::Exception& e) {
        out.push_back({true, e.mark.line + 1, e.mark.column + 1, "", "YAML: " + e.msg});
        return out;
    }
    if (!root.IsDefined() || root.IsNull())
        return out;
    if (!root.IsMap()) {
        out.push_back(at(true, root, "", "a cloud-config must be a map"));
        return out;
    }
    for (const auto& kv : root) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        const YAML::Node& v = kv.second;
        if (!contains(kCloudConfigKeys, key)) {
            out.push_back(at(false, kv.first, key, "unknown cloud-config key (ignored)"));
            continue;
        }
        if (key == "hostname" && !v.IsScalar()) {
            out.push_back(at(true, v, key, "expected a string"));
        } else if (key == "ssh_authorized_keys" && !v.IsNull()) {
            if (!v.IsSequence()) {
                out.push_back(at(true, v, key, "expected a list of keys"));
            } else {
                for (size_t i = 0; i < v.size(); ++i) {
                    if (!v[i].IsScalar()) {
                        out.push_back(
                            at(true, v[i], fmt::format("{}[{}]", key, i), "expected a string"));
                    }
                }
            }
        } else if (key == "users") {
            checkListOfMaps(v, key, "name", out);
        } else if (key == "write_files" || key == "write-files") {
            checkListOfMaps(v, key, "path", out);
        } else if (key == "coreos" && !v.IsNull()) {
            if (!v.IsMap()) {
                out.push_back(at(true, v, key, "expected a map"));
                continue;
            }
            for (const auto& c : v) {
                const std::string ck = c.first.IsScalar() ? c.first.Scalar() : std::string();
                const std::string path = "coreos." + ck;
                if (!contains(kCoreosKeys, ck)) {
                    out.push_back(at(false, c.first, path, "unknown coreos key (ignored)"));
                } else if (ck == "units") {
                    checkListOfMaps(c.second, path, "name", out);
                } else if (!c.second.IsNull() && !c.second.IsMap()) {
                    out.push_back(at(true, c.second, path, "expected a map"));
                }
            }
        }
    }
    return out;
}

namespace {

// pykickstart's commands (RHEL/CentOS 5-8, Fedora), including deprecated ones that old
// files still carry.
constexpr auto kKickstartCommands = std::to_array<std::string_view>(
    {"auth",          "authconfig",  "authselect",  "autopart",   "autostep",    "bootloader",
     "btrfs",         "cdrom",       "clearpart",   "cmdline",    "device",      "deviceprobe",
     "dmraid",        "driverdisk",  "eula",        "fcoe",       "firewall",    "firstboot",
     "graphical",     "group",       "halt",        "harddrive",  "hmc",         "ignoredisk",
     "install",       "interactive", "iscsi",       "iscsiname",  "key",         "keyboard",
     "lang",          "langsupport", "liveimg",     "logging",    "logvol",      "mediacheck",
     "method",        "module",      "monitor",     "mouse",      "multipath",   "network",
     "nfs",           "nvdimm",      "ostreesetup", "part",       "partition",   "poweroff",
     "raid",          "realm",       "reboot",      "repo",       "reqpart",     "rescue",
     "rootpw",        "selinux",     "services",    "shutdown",   "skipx",       "snapshot",
     "sshkey",        "sshpw",       "text",        "timezone",   "updates",     "upgrade",
     "url",           "user",        "vnc",         "volgroup",   "xconfig",     "zerombr",
     "zfcp",          "zipl",        "timesource",  "syspurpose", "rhsm",        "ostreecontainer",
     "bootc",         "addrepo",     "lilo",        "lilocheck",  "displaymode", "upgrade_os",
     "clearpart_all", "vmware"});
constexpr auto kSections =
    std::to_array<std::string_view>({"%packages", "%pre", "%post", "%pre-install", "%onerror",
                                     "%traceback", "%addon", "%anaconda"});

}  // namespace

std::vector<ConfigIssue> checkKickstart(std::string_view rendered) {
    std::vector<ConfigIssue> out;
    std::string open_section;
    int open_line = 0;
    int line_no = 0;
    size_t pos = 0;
    while (pos <= rendered.size()) {
        size_t nl = rendered.find('\n', pos);
        std::string_view line =
            rendered.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? rendered.size() + 1 : nl + 1;
        ++line_no;
        size_t b = line.find_first_not_of(" \t\r");
        if (b == std::string_view::npos)
            continue;
        line = line.substr(b);
        size_t e = line.find_first_of(" \t\r");
        std::string_view word = line.substr(0, e);
        if (!open_section.empty()) {
            if (word == "%end") {
                open_section.clear();
            } else if (contains(kSections, word)) {
                out.push_back({true, line_no, static_cast<int>(b) + 1, "",
                               fmt::format("{} opened before {} (line {}) was closed with %end",
                                           word, open_section, open_line)});
                open_section = std::string(word);
                open_line = line_no;
            }
            continue;
        }
        if (word.front() == '#')
            continue;
        if (contains(kSections, word)) {
            open_section = std::string(word);
            open_line = line_no;
        } else if (word == "%end") {
            out.push_back({true, line_no, static_cast<int>(b) + 1, "", "%end without a section"});
        } else if (word == "%include" || word == "%ksappend") {
            continue;
        } else if (!contains(kKickstartCommands, word)) {
            out.push_back({true, line_no, static_cast<int>(b) + 1, "",
                           fmt::format("unknown kickstart command `{}`", word)});
        }
    }
    if (!open_section.empty()) {
        out.push_back({true, open_line, 1, "",
                       fmt::format("section {} is not closed with %end", open_section)});
    }
    return out;
}

}  // namespace vq::render
