#include "git/url_redaction.h"

namespace vq::git {

std::string urlWithoutCredentials(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return url;
    const auto host_start = scheme + 3;
    const auto path = url.find('/', host_start);
    const auto at = url.rfind('@', path == std::string::npos ? url.size() : path);
    if (at == std::string::npos || at < host_start)
        return url;
    return url.substr(0, host_start) + url.substr(at + 1);
}

}  // namespace vq::git
