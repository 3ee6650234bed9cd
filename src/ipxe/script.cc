#include "ipxe/script.h"

#include <algorithm>

namespace vq::ipxe {

std::string defaultScript() {
    return "#!ipxe\n"
           "chain ipxe?uuid=${uuid}&mac=${netX/mac:hexhyp}&domain=${domain:uristring}"
           "&hostname=${hostname:uristring}&platform=${platform}\n";
}

std::string formatScript(const BootScript& script) {
    size_t size = 32 + script.kernel.size();
    for (const auto& a : script.args)
        size += a.size() + 1;
    for (const auto& i : script.initrds)
        size += i.size() + 8;
    std::string out;
    out.reserve(size);
    out += "#!ipxe\nkernel ";
    out += script.kernel;
    for (const auto& a : script.args) {
        out += ' ';
        out += a;
    }
    out += '\n';
    for (const auto& i : script.initrds) {
        out += "initrd ";
        out += i;
        out += '\n';
    }
    out += "boot\n";
    return out;
}

std::vector<std::string> unattendedArgs(std::string_view type, std::string_view config_url) {
    std::string url(config_url);
    if (type == "ignition")
        return {"coreos.first_boot", "coreos.config.url=" + url};
    if (type == "cloud-config")
        return {"cloud-config-url=" + url};
    if (type == "kickstart")
        return {"inst.ks=" + url};
    return {};
}

void appendMissing(std::vector<std::string>& args, const std::vector<std::string>& extra) {
    for (const auto& e : extra) {
        if (std::find(args.begin(), args.end(), e) == args.end())
            args.push_back(e);
    }
}

bool isEfiPlatform(std::string_view platform) {
    return platform == "efi";
}

void addEfiInitrdArgs(BootScript& script) {
    for (const auto& a : script.args) {
        if (a.starts_with("initrd="))
            return;
    }
    for (const auto& i : script.initrds) {
        std::string name = urlBasename(i);
        if (!name.empty())
            script.args.push_back("initrd=" + name);
    }
}

std::string urlBasename(std::string_view url) {
    size_t end = url.find_first_of("?#");
    if (end != std::string_view::npos)
        url = url.substr(0, end);
    size_t slash = url.rfind('/');
    if (slash != std::string_view::npos)
        url = url.substr(slash + 1);
    return std::string(url);
}

}  // namespace vq::ipxe
