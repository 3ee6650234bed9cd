#pragma once
// Option negotiation (RFC 2347 with blksize 2348, tsize/timeout 2349, windowsize 7440):
// unknown or malformed options are ignored, and the OACK lists only what was accepted.

#include <chrono>
#include <cstdint>
#include <vector>

#include "tftp/codec/packet.h"

namespace vq::tftp {

struct SessionLimits {
    uint16_t max_block_size = 1468;  // what the path carries: MTU - 20 (IP) - 8 (UDP) - 4
    uint16_t max_window_size = 64;   // RFC 7440 allows 65535; more only fills queues
    std::chrono::milliseconds default_timeout{1000};
    std::chrono::milliseconds max_timeout{8000};  // cap of the exponential backoff
    int max_retries = 6;
};

struct Negotiated {
    uint16_t block_size = kDefaultBlockSize;
    uint16_t window_size = 1;
    std::chrono::milliseconds timeout{1000};
    std::vector<Option> oack;  // empty: no OACK, the transfer starts with DATA 1
};

Negotiated negotiate(const std::vector<Option>& requested,
                     uint64_t file_size,
                     const SessionLimits& limits);

}  // namespace vq::tftp
