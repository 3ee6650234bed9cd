#pragma once
// Bounds-checked reading and writing of wire formats (network byte order).
// ByteReader never reads past its end: a short read sets a sticky failure flag
// and returns zeros, so decoders check ok() once at the end of a block.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vq {

class ByteReader {
public:
    explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

    size_t remaining() const { return failed_ ? 0 : data_.size() - pos_; }
    size_t position() const { return pos_; }
    bool ok() const { return !failed_; }
    bool atEnd() const { return remaining() == 0; }

    uint8_t u8();
    uint16_t u16();
    uint32_t u32();
    std::span<const uint8_t> bytes(size_t n);
    std::string_view str(size_t n);
    void skip(size_t n);

private:
    bool need(size_t n);
    std::span<const uint8_t> data_;
    size_t pos_ = 0;
    bool failed_ = false;
};

class ByteWriter {
public:
    ByteWriter() = default;
    explicit ByteWriter(size_t reserve) { buf_.reserve(reserve); }

    void u8(uint8_t v) { buf_.push_back(v); }
    void u16(uint16_t v);
    void u32(uint32_t v);
    void bytes(std::span<const uint8_t> b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
    void str(std::string_view s) { buf_.insert(buf_.end(), s.begin(), s.end()); }
    void zeros(size_t n) { buf_.insert(buf_.end(), n, 0); }

    size_t size() const { return buf_.size(); }
    const std::vector<uint8_t>& data() const { return buf_; }
    std::vector<uint8_t> take() { return std::move(buf_); }
    uint8_t& at(size_t i) { return buf_.at(i); }

private:
    std::vector<uint8_t> buf_;
};

}  // namespace vq
