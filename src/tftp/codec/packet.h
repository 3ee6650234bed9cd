#pragma once
// TFTP wire format (RFC 1350, options per RFC 2347): decoding never throws and never reads
// past the datagram; DATA payloads are views into the input so decoding copies nothing big.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace vq::tftp {

enum class Opcode : uint16_t { Rrq = 1, Wrq = 2, Data = 3, Ack = 4, Error = 5, Oack = 6 };

enum class ErrorCode : uint16_t {
    NotDefined = 0,
    FileNotFound = 1,
    AccessViolation = 2,
    DiskFull = 3,
    IllegalOperation = 4,
    UnknownTransferId = 5,
    FileExists = 6,
    NoSuchUser = 7,
    OptionRefused = 8,  // RFC 2347
};

enum class Mode { Octet, Netascii, Mail };

struct Option {
    std::string name;  // lower-cased on decode: option names are case-insensitive
    std::string value;
    bool operator==(const Option&) const = default;
};

struct Request {
    bool write = false;  // WRQ; this server refuses them
    std::string filename;
    Mode mode = Mode::Octet;
    std::vector<Option> options;  // in wire order, duplicates dropped (first wins)
};

struct Data {
    uint16_t block = 0;
    std::span<const uint8_t> payload;  // view into the decoded datagram
};

struct Ack {
    uint16_t block = 0;
};

struct Error {
    ErrorCode code = ErrorCode::NotDefined;
    std::string message;
};

struct OAck {
    std::vector<Option> options;
};

using Packet = std::variant<Request, Data, Ack, Error, OAck>;

// Limits that keep a hostile datagram from costing more than its size.
inline constexpr size_t kMaxOptions = 32;
inline constexpr size_t kDataHeaderSize = 4;
inline constexpr uint16_t kDefaultBlockSize = 512;

Result<Packet> decode(std::span<const uint8_t> datagram);

std::vector<uint8_t> encodeRequest(const Request& request);
std::vector<uint8_t> encodeData(uint16_t block, std::span<const uint8_t> payload);
std::vector<uint8_t> encodeAck(uint16_t block);
std::vector<uint8_t> encodeError(ErrorCode code, std::string_view message);
std::vector<uint8_t> encodeOAck(const std::vector<Option>& options);

// The 4-byte DATA header, for senders that gather header and payload without copying.
inline void writeDataHeader(uint8_t* out, uint16_t block) {
    out[0] = 0;
    out[1] = static_cast<uint8_t>(Opcode::Data);
    out[2] = static_cast<uint8_t>(block >> 8);
    out[3] = static_cast<uint8_t>(block);
}

std::string_view modeName(Mode mode);
std::string_view errorCodeName(ErrorCode code);

}  // namespace vq::tftp
