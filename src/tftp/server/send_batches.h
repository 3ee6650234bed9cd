#pragma once
// How a run of outgoing datagrams is grouped into send messages. With UDP generic
// segmentation offload (UDP_SEGMENT, Linux 4.18+) a window of equal-sized DATA blocks leaves
// as ONE message that the kernel (or the NIC) cuts into datagrams of `segment_size` bytes:
// one trip through the socket, IP and device layers per window instead of per block. The
// blocks of a window are equal except the file's last one, which may be shorter and so may
// end a batch. Control datagrams (OACK, ERROR) and lone blocks go alone, without GSO.
// Pure: the worker turns batches into mmsghdrs.

#include <cstddef>
#include <span>

#include "tftp/core/session.h"

namespace vq::tftp {

struct SendBatch {
    size_t first = 0;         // index into the datagram run
    size_t count = 0;         // datagrams in the message
    size_t segment_size = 0;  // UDP_SEGMENT size; 0: one plain datagram
};

// The kernel's limits for one GSO message: its payload must fit one IP datagram, and it may
// carry at most UDP_MAX_SEGMENTS segments (64 before Linux 5.6, 128 since).
inline constexpr size_t kMaxGsoBytes = 65507;
inline constexpr size_t kMaxGsoSegments = 64;

// Fills `out` from `run[0..]` until either is exhausted; returns the batches written.
// gso=false gives one batch per datagram.
size_t planBatches(std::span<const Datagram> run, bool gso, std::span<SendBatch> out);

}  // namespace vq::tftp
