#include "ipxe_script.h"

#include <sstream>

#include "http_get.h"

namespace vq::swarm {

namespace {

std::string uriEscape(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string typed(const std::string& value, std::string_view type) {
    if (type == "hexhyp") {
        std::string v = value;
        for (char& c : v)
            if (c == ':')
                c = '-';
        return v;
    }
    if (type == "uristring")
        return uriEscape(value);
    return value;  // string, hex, ipv4, uuid: already in their text form
}

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> out;
    std::istringstream in{std::string(line)};
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

}  // namespace

std::string expandSettings(std::string_view text, const IpxeSettings& settings) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        if (text.compare(i, 2, "${") != 0) {
            out += text[i++];
            continue;
        }
        const size_t end = text.find('}', i);
        if (end == std::string_view::npos) {
            out += text.substr(i);
            break;
        }
        std::string_view name = text.substr(i + 2, end - i - 2);
        std::string_view type;
        if (size_t colon = name.find(':'); colon != std::string_view::npos) {
            type = name.substr(colon + 1);
            name = name.substr(0, colon);
        }
        if (auto it = settings.find(std::string(name)); it != settings.end())
            out += typed(it->second, type);
        i = end + 1;
    }
    return out;
}

IpxeBoot interpretScript(std::string_view script,
                         const std::string& base_url,
                         IpxeSettings& settings,
                         std::string& error) {
    IpxeBoot b;
    if (script.substr(0, 6) != "#!ipxe") {
        error = "not an iPXE script (no #!ipxe line)";
        return b;
    }
    std::istringstream in{std::string(script)};
    for (std::string raw; std::getline(in, raw);) {
        const std::string line = expandSettings(raw, settings);
        auto w = words(line);
        if (w.empty() || w[0][0] == '#' || w[0][0] == ':')
            continue;
        const std::string& cmd = w[0];
        size_t arg = 1;
        while (arg < w.size() && w[arg].rfind("--", 0) == 0)
            ++arg;  // --autofree, --replace, --name=..: options of the image commands
        if (cmd == "echo" || cmd == "prompt" || cmd == "sleep") {
            continue;
        } else if (cmd == "set" && w.size() >= 2) {
            std::string value;
            for (size_t i = 2; i < w.size(); ++i)
                value += (i > 2 ? " " : "") + w[i];
            settings[w[1]] = value;
        } else if ((cmd == "chain" || cmd == "imgexec") && arg < w.size()) {
            b.chain = resolveUrl(base_url, w[arg]);
            return b;
        } else if ((cmd == "kernel" || cmd == "imgselect") && arg < w.size()) {
            b.kernel = resolveUrl(base_url, w[arg]);
            for (size_t i = arg + 1; i < w.size(); ++i)
                b.kernel_args += (i > arg + 1 ? " " : "") + w[i];
        } else if ((cmd == "initrd" || cmd == "imgfetch") && arg < w.size()) {
            b.initrds.push_back(resolveUrl(base_url, w[arg]));
        } else if (cmd == "boot") {
            b.boot = true;
            return b;
        } else {
            error = "unsupported iPXE command: " + line;
            return b;
        }
    }
    return b;
}

std::string configUrlFromArgs(std::string_view kernel_args) {
    static const char* keys[] = {"coreos.config.url=",
                                 "ignition.config.url=",
                                 "cloud-config-url=",
                                 "inst.ks=",
                                 "ks=",
                                 "ds=nocloud-net;s=",
                                 "vq.config="};
    for (const auto& w : words(kernel_args))
        for (const char* key : keys)
            if (w.rfind(key, 0) == 0)
                return w.substr(std::string_view(key).size());
    return {};
}

std::string checkpointUrlIn(std::string_view config) {
    const size_t mark = config.find("/checkpoint/");
    if (mark == std::string_view::npos)
        return {};
    const size_t start = config.rfind("http://", mark);
    if (start == std::string_view::npos)
        return {};
    size_t end = mark;
    while (end < config.size() && !std::isspace(static_cast<unsigned char>(config[end])) &&
           config[end] != '"' && config[end] != '\'' && config[end] != '\\' && config[end] != '<')
        ++end;
    return std::string(config.substr(start, end - start));
}

}  // namespace vq::swarm
