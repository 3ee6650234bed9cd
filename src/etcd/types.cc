#include "etcd/types.h"

namespace vq::etcd {

std::string prefixEnd(std::string_view prefix) {
    std::string end(prefix);
    // Increment the last byte that can be; a prefix of only 0xff bytes has no end but
    // "\0", which etcd reads as "every key from here".
    while (!end.empty()) {
        auto& c = reinterpret_cast<unsigned char&>(end.back());
        if (c < 0xff) {
            ++c;
            return end;
        }
        end.pop_back();
    }
    return std::string(1, '\0');
}

}  // namespace vq::etcd
