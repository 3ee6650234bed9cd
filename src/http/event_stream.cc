#include "http/event_stream.h"

namespace vq::http {

std::string sseFrame(std::string_view data) {
    std::string out;
    out.reserve(data.size() + 16);
    size_t start = 0;
    for (;;) {
        size_t end = data.find('\n', start);
        std::string_view line =
            data.substr(start, end == std::string_view::npos ? end : end - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);  // a CR would end the field early in the client's parser
        out += "data: ";
        out += line;
        out += '\n';
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    out += '\n';
    return out;
}

}  // namespace vq::http
