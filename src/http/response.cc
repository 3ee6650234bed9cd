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

unsigned httpStatusFor(StatusCode code) {
    switch (code) {
        case StatusCode::ok:
            return 200;
        case StatusCode::invalid_argument:
            return 400;
        case StatusCode::permission_denied:
            return 403;
        case StatusCode::not_found:
            return 404;
        case StatusCode::conflict:
        case StatusCode::failed_precondition:
            return 409;
        case StatusCode::unavailable:
            return 503;
        case StatusCode::deadline_exceeded:
            return 504;
        case StatusCode::unknown:
        case StatusCode::internal:
            return 500;
    }
    return 500;
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
