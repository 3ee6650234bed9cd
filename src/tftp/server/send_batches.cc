#include "tftp/server/send_batches.h"

namespace vq::tftp {

size_t planBatches(std::span<const Datagram> run, bool gso, std::span<SendBatch> out) {
    size_t written = 0;
    size_t i = 0;
    while (i < run.size() && written < out.size()) {
        SendBatch batch{i, 1, 0};
        const size_t size = run[i].size();
        if (gso && run[i].isData()) {
            size_t bytes = size;
            size_t j = i + 1;
            while (j < run.size() && run[j].isData() && batch.count < kMaxGsoSegments &&
                   bytes + run[j].size() <= kMaxGsoBytes && run[j].size() <= size) {
                bytes += run[j].size();
                ++batch.count;
                ++j;
                if (run[j - 1].size() < size)
                    break;  // a shorter segment can only be the last one
            }
            if (batch.count > 1)
                batch.segment_size = size;
        }
        out[written++] = batch;
        i += batch.count;
    }
    return written;
}

}  // namespace vq::tftp
