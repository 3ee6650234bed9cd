// Fuzzes admission and the transfer state machine: the input is a request followed by a
// script of client datagrams and clock steps. Invariants: nothing crashes, DATA never
// leaves the file, and a finished session stays silent.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "base/clock.h"
#include "tftp/core/admission.h"

using namespace vq::tftp;

namespace {

class FuzzSource : public FileSource {
public:
    FileLookup open(std::string_view name) override {
        if (name.empty() || name[0] == 'x')
            return FileLookup::failed(ErrorCode::FileNotFound, "");
        size_t size = (static_cast<unsigned char>(name[0]) * 37u) % 5000;
        return FileLookup::found(std::make_shared<BufferFileData>(std::vector<uint8_t>(size, 7)));
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Layout: [len u8][request bytes][steps: kind u8, len u8, bytes...]
    if (size < 1)
        return 0;
    size_t req_len = std::min<size_t>(data[0], size - 1);
    FuzzSource src;
    SessionLimits limits;
    limits.max_retries = 3;
    Admission a = admit({data + 1, req_len}, src, limits);
    if (!a.accepted())
        return 0;
    Session& s = *a.session;
    vq::SimulatedClock clock;
    std::vector<Datagram> out;
    s.start(clock.now(), out);
    size_t pos = 1 + req_len;
    for (int steps = 0; pos < size && steps < 10000; ++steps) {
        uint8_t kind = data[pos++];
        out.clear();
        bool was_finished = s.finished();
        if (kind & 1) {
            clock.advance(std::chrono::milliseconds((kind >> 1) * 100));
            s.onTimer(clock.now(), out);
        } else {
            size_t len = 0;
            if (pos < size) {
                len = data[pos];
                ++pos;
                len = std::min(len, size - pos);
            }
            s.onPacket({data + pos, len}, clock.now(), out);
            pos += len;
        }
        if (was_finished && !out.empty())
            std::abort();
        auto file = s.fileSize();
        for (auto& d : out) {
            if (d.isData() && d.payload.size() > s.negotiated().block_size)
                std::abort();
            if (d.isData() && d.payload.size() > file)
                std::abort();
        }
    }
    return 0;
}
