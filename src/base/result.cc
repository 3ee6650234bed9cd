#include "base/result.h"

namespace vq {

std::string_view toString(StatusCode code) {
    switch (code) {
        case StatusCode::ok:
            return "ok";
        case StatusCode::unknown:
            return "unknown";
        case StatusCode::invalid_argument:
            return "invalid_argument";
        case StatusCode::not_found:
            return "not_found";
        case StatusCode::conflict:
            return "conflict";
        case StatusCode::failed_precondition:
            return "failed_precondition";
        case StatusCode::unavailable:
            return "unavailable";
        case StatusCode::deadline_exceeded:
            return "deadline_exceeded";
        case StatusCode::permission_denied:
            return "permission_denied";
        case StatusCode::internal:
            return "internal";
    }
    return "unknown";
}

}  // namespace vq
