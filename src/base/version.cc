#include "base/version.h"

#ifndef VQ_VERSION
#define VQ_VERSION "dev"
#endif

namespace vq {

std::string_view version() {
    return VQ_VERSION;
}

}  // namespace vq
