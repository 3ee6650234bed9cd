#include "container/command_line.h"

#include <fmt/format.h>

namespace vq::container {
namespace {

bool needsQuotes(const std::string& s) {
    if (s.empty())
        return true;
    for (char c : s) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '/' ||
                           c == ':' || c == '=' || c == ',' || c == '@' || c == '+';
        if (!plain)
            return true;
    }
    return false;
}

std::string shellQuote(const std::string& s) {
    if (!needsQuotes(s))
        return s;
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

}  // namespace

Result<std::vector<std::string>> runCommandLine(const RuntimeConfig& runtime,
                                                const ContainerSpec& spec,
                                                const std::string& binary,
                                                const std::string& name) {
    if (spec.image.empty())
        return Status::invalidArgument("container has no image");
    const bool podman = runtime.runtime == "podman";
    if (!podman && runtime.runtime != "docker") {
        return Status::invalidArgument(fmt::format(
            "container runtime '{}' is not supported (podman or docker)", runtime.runtime));
    }
    std::vector<std::string> argv{binary};
    argv.insert(argv.end(), runtime.global_args.begin(), runtime.global_args.end());
    argv.insert(argv.end(), {"run", "--rm", "--name", name});
    argv.push_back(spec.pull ? "--pull=always" : "--pull=missing");
    argv.insert(argv.end(), runtime.run_args.begin(), runtime.run_args.end());
    for (const auto& [key, value] : spec.env) {
        argv.push_back("--env");
        argv.push_back(key + "=" + value);
    }
    if (podman && !spec.registry_username.empty()) {
        argv.push_back("--creds");
        argv.push_back(spec.registry_username + ":" + spec.registry_password);
    }
    if (!spec.commands.empty()) {
        std::string script;
        for (const auto& c : spec.commands)
            script += (script.empty() ? "" : " && ") + c;
        argv.insert(argv.end(), {"--entrypoint", "/bin/sh", spec.image, "-c", script});
    } else if (!spec.command.empty()) {
        argv.insert(argv.end(),
                    {"--entrypoint", "/bin/sh", spec.image, "-c", spec.command + " \"$@\"", "sh"});
        argv.insert(argv.end(), spec.args.begin(), spec.args.end());
    } else {
        argv.push_back(spec.image);
        argv.insert(argv.end(), spec.args.begin(), spec.args.end());
    }
    return argv;
}

std::string displayCommandLine(const std::vector<std::string>& argv) {
    std::string out;
    for (size_t i = 0; i < argv.size(); ++i) {
        if (i > 0)
            out += ' ';
        if (i > 0 && argv[i - 1] == "--creds") {
            const auto colon = argv[i].find(':');
            out += shellQuote(argv[i].substr(0, colon) + ":***");
        } else {
            out += shellQuote(argv[i]);
        }
    }
    return out;
}

}  // namespace vq::container
