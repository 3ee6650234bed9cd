#include "base/bytes.h"

namespace vq {

bool ByteReader::need(size_t n) {
    if (failed_ || data_.size() - pos_ < n) {
        failed_ = true;
        return false;
    }
    return true;
}

uint8_t ByteReader::u8() {
    if (!need(1))
        return 0;
    return data_[pos_++];
}

uint16_t ByteReader::u16() {
    if (!need(2))
        return 0;
    uint16_t v = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return v;
}

uint32_t ByteReader::u32() {
    if (!need(4))
        return 0;
    uint32_t v = (uint32_t{data_[pos_]} << 24) | (uint32_t{data_[pos_ + 1]} << 16) |
                 (uint32_t{data_[pos_ + 2]} << 8) | uint32_t{data_[pos_ + 3]};
    pos_ += 4;
    return v;
}

std::span<const uint8_t> ByteReader::bytes(size_t n) {
    if (!need(n))
        return {};
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
}

std::string_view ByteReader::str(size_t n) {
    auto b = bytes(n);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

void ByteReader::skip(size_t n) {
    if (need(n))
        pos_ += n;
}

void ByteWriter::u16(uint16_t v) {
    buf_.push_back(static_cast<uint8_t>(v >> 8));
    buf_.push_back(static_cast<uint8_t>(v));
}

void ByteWriter::u32(uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        buf_.push_back(static_cast<uint8_t>(v >> shift));
}

}  // namespace vq
