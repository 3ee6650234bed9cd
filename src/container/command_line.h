#pragma once
// The command line that runs one container: pure, so every SoT form is tested without a
// container engine.
//   commands: [a, b]        → --entrypoint /bin/sh IMAGE -c 'a && b'   (older SoTs)
//   command: C, args: [x]   → --entrypoint /bin/sh IMAGE -c 'C "$@"' sh x
//   args: [x] only          → IMAGE x                                 (the image's entrypoint)

#include <string>
#include <vector>

#include "container/spec.h"

#include "base/result.h"

namespace vq::container {

// argv (argv[0] = the engine binary); `name` names the container so a timed-out run can be
// removed. Errors: no image, an engine that is neither podman nor docker.
Result<std::vector<std::string>> runCommandLine(const RuntimeConfig& runtime,
                                                const ContainerSpec& spec,
                                                const std::string& binary,
                                                const std::string& name);

// The same argv for people and logs: quoted where needed, registry credentials masked.
std::string displayCommandLine(const std::vector<std::string>& argv);

}  // namespace vq::container
