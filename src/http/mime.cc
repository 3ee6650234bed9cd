#include "http/mime.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace vq::http {

std::string_view contentTypeFor(std::string_view path) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kTypes{{
        {"txt", "text/plain; charset=utf-8"},
        {"ipxe", "text/plain; charset=utf-8"},
        {"cfg", "text/plain; charset=utf-8"},
        {"ks", "text/plain; charset=utf-8"},
        {"sh", "text/x-shellscript"},
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"css", "text/css"},
        {"js", "application/javascript"},
        {"json", "application/json"},
        {"ign", "application/json"},
        {"yml", "application/yaml"},
        {"yaml", "application/yaml"},
        {"xml", "application/xml"},
        {"iso", "application/x-iso9660-image"},
        {"img", "application/octet-stream"},
        {"gz", "application/gzip"},
        {"tgz", "application/gzip"},
        {"xz", "application/x-xz"},
        {"bz2", "application/x-bzip2"},
        {"tar", "application/x-tar"},
        {"rpm", "application/x-rpm"},
    }};
    const size_t slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot + 1 == name.size())
        return "application/octet-stream";
    std::string ext(name.substr(dot + 1));
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& [e, type] : kTypes) {
        if (e == ext)
            return type;
    }
    return "application/octet-stream";
}

}  // namespace vq::http
