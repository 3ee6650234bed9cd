#include "tftp/core/session.h"

#include <algorithm>
#include <variant>

namespace vq::tftp {

std::vector<uint8_t> Datagram::wire() const {
    if (!isData())
        return control;
    std::vector<uint8_t> out(header.begin(), header.end());
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

Session::Session(std::shared_ptr<const FileData> file,
                 const Negotiated& negotiated,
                 const SessionLimits& limits)
    : file_(std::move(file)),
      negotiated_(negotiated),
      timeout_(negotiated.timeout),
      max_timeout_(limits.max_timeout),
      max_retries_(limits.max_retries) {
    total_blocks_ = file_->bytes().size() / negotiated_.block_size + 1;
    if (negotiated_.window_size == 0)
        negotiated_.window_size = 1;
}

void Session::start(TimePoint now, std::vector<Datagram>& out) {
    progress_at_ = now;
    if (!negotiated_.oack.empty()) {
        state_ = SessionState::AwaitingOptionAck;
        Datagram d;
        d.control = encodeOAck(negotiated_.oack);
        out.push_back(std::move(d));
        arm(now);
        return;
    }
    state_ = SessionState::Sending;
    sendWindow(now, out, false);
}

Datagram Session::dataBlock(uint64_t index) const {
    auto bytes = file_->bytes();
    uint64_t offset = (index - 1) * negotiated_.block_size;
    size_t len = static_cast<size_t>(
        std::min<uint64_t>(negotiated_.block_size, bytes.size() - std::min(offset, bytes.size())));
    Datagram d;
    writeDataHeader(d.header.data(), static_cast<uint16_t>(index & 0xFFFF));
    if (len > 0)
        d.payload = bytes.subspan(static_cast<size_t>(offset), len);
    return d;
}

void Session::sendWindow(TimePoint now, std::vector<Datagram>& out, bool retransmission) {
    uint64_t end = std::min(base_ + negotiated_.window_size, total_blocks_ + 1);
    for (uint64_t i = base_; i < end; ++i) {
        out.push_back(dataBlock(i));
        ++stats_.data_sent;
        if (retransmission || i < sent_end_)
            ++stats_.retransmitted;
    }
    sent_end_ = std::max(sent_end_, end);
    arm(now);
}

void Session::arm(TimePoint now) {
    sent_at_ = now;
    deadline_ = now + timeout_;
}

void Session::fail(std::string reason) {
    state_ = SessionState::Failed;
    failure_ = std::move(reason);
}

void Session::onPacket(std::span<const uint8_t> datagram,
                       TimePoint now,
                       std::vector<Datagram>& out) {
    if (finished())
        return;
    auto decoded = decode(datagram);
    if (!decoded) {
        ++stats_.ignored;  // garbage on the transfer port is not worth ending a boot for
        return;
    }
    Packet& p = *decoded;
    if (auto* ack = std::get_if<Ack>(&p)) {
        onAck(ack->block, now, out);
    } else if (auto* err = std::get_if<Error>(&p)) {
        size_probe_ = err->code == ErrorCode::OptionRefused && stats_.bytes_acked == 0;
        fail("client error " + std::to_string(static_cast<int>(err->code)) + ": " +
             err->message.substr(0, 128));
    } else {
        Datagram d;
        d.control = encodeError(ErrorCode::IllegalOperation, "only ACK expected");
        out.push_back(std::move(d));
        fail("client sent an unexpected opcode");
    }
}

void Session::onAck(uint16_t block, TimePoint now, std::vector<Datagram>& out) {
    if (state_ == SessionState::AwaitingOptionAck) {
        if (block != 0) {
            ++stats_.ignored;
            return;
        }
        state_ = SessionState::Sending;
        retries_ = 0;
        progress_at_ = now;
        timeout_ = negotiated_.timeout;
        sendWindow(now, out, false);
        return;
    }
    // Which in-flight block index does this 16-bit number name? Candidates run from the
    // last acknowledged block (base_ - 1) to the last block sent (sent_end_ - 1).
    uint64_t last_acked = base_ - 1;
    uint64_t delta = static_cast<uint16_t>(block - static_cast<uint16_t>(last_acked & 0xFFFF));
    uint64_t index = last_acked + delta;
    if (delta == 0) {
        // Duplicate of the previous ACK. Never answered with windowsize 1 (Sorcerer's
        // Apprentice); with a window, once per window position and then at most once per
        // quarter timeout, so a burst of duplicates costs one window, never one each.
        // A repeat after a quarter timeout means the restarted window was hit too.
        bool again = dup_answered_ && now - dup_answered_at_ >= timeout_ / 4;
        if (negotiated_.window_size > 1 && (!dup_answered_ || again) && sent_end_ > base_) {
            dup_answered_ = true;
            dup_answered_at_ = now;
            sendWindow(now, out, true);
        } else {
            ++stats_.ignored;
            if (negotiated_.window_size == 1)
                clientWaiting(now);
        }
        return;
    }
    if (index >= sent_end_) {
        ++stats_.ignored;  // a stale ACK from before a wrap, or a bogus one
        return;
    }
    uint64_t size = file_->bytes().size();
    stats_.bytes_acked = std::min<uint64_t>(index * negotiated_.block_size, size);
    base_ = index + 1;
    retries_ = 0;
    progress_at_ = now;
    dup_answered_ = false;
    timeout_ = negotiated_.timeout;
    if (base_ > total_blocks_) {
        state_ = SessionState::Done;
        return;
    }
    // RFC 7440: the next window starts right after the acknowledged block, also when the
    // client acknowledged the middle of the window because it saw a gap.
    sendWindow(now, out, false);
}

void Session::clientWaiting(TimePoint now) {
    // In lock-step the client says again what it has when its own timer runs out: the block
    // sent, or its ACK, was lost. The backoff is for a peer that went quiet (gone, or a path
    // congested), and this one is neither: left in place it spaced the resends 1, 2, 4, 8 s
    // apart, three within the 12 s a PXE ROM waits, and a burst of loss ended the boot. The
    // timer goes back to its base interval from the last send, so the resend (still made
    // only by the timer, at most once per base interval, never once per duplicate) comes
    // now if that interval has passed, or when it does.
    retries_ = 0;
    timeout_ = negotiated_.timeout;
    deadline_ = std::min(deadline_, std::max(sent_at_ + timeout_, now));
}

void Session::onTimer(TimePoint now, std::vector<Datagram>& out) {
    if (finished() || now < deadline_)
        return;
    // A client that keeps re-acknowledging without ever getting further is still bounded:
    // no progress for as long as the whole backoff would have taken ends the transfer.
    const auto stall_limit = max_retries_ * std::max(max_timeout_, negotiated_.timeout);
    if (++retries_ > max_retries_ || now - progress_at_ > stall_limit) {
        Datagram d;
        d.control = encodeError(ErrorCode::NotDefined, "timed out");
        out.push_back(std::move(d));
        fail("timed out after " + std::to_string(max_retries_) + " retransmissions");
        return;
    }
    timeout_ = std::min(timeout_ * 2, std::max(max_timeout_, negotiated_.timeout));
    if (state_ == SessionState::AwaitingOptionAck) {
        Datagram d;
        d.control = encodeOAck(negotiated_.oack);
        out.push_back(std::move(d));
        ++stats_.retransmitted;
        arm(now);
        return;
    }
    sendWindow(now, out, true);
}

}  // namespace vq::tftp
