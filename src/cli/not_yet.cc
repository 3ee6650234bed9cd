#include <iostream>

#include "cli/command.h"

namespace vq::cli {

int notYetImplemented(const std::string& command, const std::string& what) {
    std::cerr << "vaquero " << command << ": not available in this version yet (" << what << ")\n";
    return kExitNotAvailable;
}

}  // namespace vq::cli
