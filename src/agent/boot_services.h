#pragma once
// The agent's UDP boot services (DHCP, TFTP), started from the data model by the
// composition roots (standalone, agent).

#include <memory>
#include <string>

#include "control/model_holder.h"
#include "metrics/exposition.h"

#include "base/event.h"
#include "base/result.h"
#include "model/model.h"

namespace vq::agent {

struct BootServicesConfig {
    std::string site_id;
    model::Agent agent;  // dhcp_mode, dhcp_port, tftp_server.base_dir, asset_server.port
    uint16_t http_port = 24602;
};

// Running services; stopping is destruction.
class BootServices {
public:
    virtual ~BootServices() = default;
    // DHCP and TFTP counters for /metrics.
    virtual void collect(metrics::Exposition& out) const = 0;
};

Result<std::unique_ptr<BootServices>> startBootServices(const BootServicesConfig& config,
                                                        const control::ModelHolder& models,
                                                        EventSink& events);

}  // namespace vq::agent
