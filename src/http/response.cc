#include "http/response.h"

#include <boost/beast/http/status.hpp>
#include <unistd.h>

namespace vq::http {

FileRange::~FileRange() {
    if (fd_ >= 0)
        ::close(fd_);
}

Response Response::text(unsigned status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

Response Response::json(unsigned status, std::string body) {
    return text(status, std::move(body), "application/json");
}

Response Response::error(unsigned status, std::string reason) {
    Response r;
    r.status = status;
    r.body = std::string(statusReason(status));
    r.body += '\n';
    r.log_reason = std::move(reason);
    return r;
}

std::string_view statusReason(unsigned status) {
    auto sv = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    return {sv.data(), sv.size()};
}

}  // namespace vq::http
