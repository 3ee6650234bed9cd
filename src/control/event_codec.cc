// Events are the ServerAPI's bulk traffic (tens of thousands a second from a busy site), so
// their JSON is written by hand and read through nlohmann's SAX interface straight into
// HostEvents, without a JSON tree per event. The text is the same JSON as ever: other
// readers (the agent's on-disk queue, tests, tools) see no difference.
#include "control/json_string.h"
#include "control/wire.h"
#include <nlohmann/json.hpp>

namespace vq::control::wire {
namespace {

using json = nlohmann::json;

void appendEvent(std::string& out, const HostEvent& e) {
    out += "{\"time_ms\":";
    out += std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch()).count());
    out += ",\"source\":";
    appendJsonString(out, e.source);
    out += ",\"kind\":";
    appendJsonString(out, e.kind);
    out += ",\"detail\":";
    appendJsonString(out, e.detail);
    if (e.mac) {
        out += ",\"mac\":";
        appendJsonString(out, e.mac->toString());
    }
    if (e.ip) {
        out += ",\"ip\":";
        appendJsonString(out, e.ip->toString());
    }
    out.push_back('}');
}

// Reads {"events": [event...]} (or one event alone, `single`) into HostEvents. Unknown keys
// and their values, at any depth, are skipped; the first error stops the parse.
// The latest time the system clock holds (it counts nanoseconds in 64 bits: year 2262).
constexpr uint64_t kMaxTimeMs =
    static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::time_point::max().time_since_epoch())
                              .count());

class EventsReader : public nlohmann::json_sax<json> {
public:
    explicit EventsReader(bool single) : single_(single) {}

    bool null() override { return scalar(); }
    bool boolean(bool) override { return scalar(); }
    bool number_integer(number_integer_t v) override {
        if (inEventField() && field_ == Field::time)
            return setTime(v < 0 ? kMaxTimeMs + 1 : static_cast<uint64_t>(v));
        return scalar();
    }
    bool number_unsigned(number_unsigned_t v) override {
        if (inEventField() && field_ == Field::time)
            return setTime(v);
        return scalar();
    }
    bool number_float(number_float_t, const string_t&) override { return scalar(); }
    bool binary(binary_t&) override { return scalar(); }
    bool string(string_t& v) override {
        if (inEventField()) {
            switch (field_) {
                case Field::source:
                    event_.source = std::move(v);
                    break;
                case Field::kind:
                    event_.kind = std::move(v);
                    break;
                case Field::detail:
                    event_.detail = std::move(v);
                    break;
                case Field::mac:
                    mac_ = std::move(v);
                    break;
                case Field::ip:
                    ip_ = std::move(v);
                    break;
                default:
                    break;
            }
        }
        return scalar();
    }
    bool start_object(std::size_t) override {
        ++depth_;
        if (skip_ > 0 || (depth_ > 1 && !expectingValue())) {
            ++skip_;
            return true;
        }
        if (depth_ == eventDepth()) {
            if (!single_ && !in_events_)
                return skipValue();
            startEvent();
            return true;
        }
        if (depth_ == 1)
            return true;  // the top object
        return skipValue();
    }
    bool end_object() override {
        --depth_;
        if (skip_ > 0)
            return endSkipped();
        if (depth_ + 1 == eventDepth() && in_event_)
            return endEvent();
        return true;
    }
    bool start_array(std::size_t) override {
        ++depth_;
        if (skip_ > 0) {
            ++skip_;
            return true;
        }
        if (!single_ && depth_ == 2 && top_key_ == "events" && !saw_events_) {
            in_events_ = true;
            saw_events_ = true;
            return true;
        }
        if (depth_ == 1 || (in_events_ && depth_ == 3))
            return fail(depth_ == 1 && !single_ ? "events: not a JSON object"
                                                : "event: not a JSON object");
        return skipValue();
    }
    bool end_array() override {
        --depth_;
        if (skip_ > 0)
            return endSkipped();
        if (in_events_ && depth_ == 1)
            in_events_ = false;
        return true;
    }
    bool key(string_t& k) override {
        if (skip_ > 0)
            return true;
        if (depth_ == 1 && !single_) {
            top_key_ = std::move(k);
            return true;
        }
        if (in_event_ && depth_ == eventDepth()) {
            field_ = k == "time_ms"  ? Field::time
                     : k == "source" ? Field::source
                     : k == "kind"   ? Field::kind
                     : k == "detail" ? Field::detail
                     : k == "mac"    ? Field::mac
                     : k == "ip"     ? Field::ip
                                     : Field::other;
        }
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return fail(single_ ? "event: not a JSON object" : "events: not a JSON object");
    }

    Status finish() {
        if (!error_.empty())
            return Status::invalidArgument(error_);
        if (single_ && events_.size() != 1)
            return Status::invalidArgument("event: not a JSON object");
        if (!single_ && !saw_events_)
            return Status::invalidArgument("events: no events array");
        return Status::ok();
    }
    std::vector<HostEvent>& events() { return events_; }

private:
    enum class Field { none, time, source, kind, detail, mac, ip, other };

    int eventDepth() const { return single_ ? 1 : 3; }
    bool inEventField() const { return skip_ == 0 && in_event_ && depth_ == eventDepth(); }
    // Whether an object starting now is an event (an element of the events array) or the
    // top object.
    bool expectingValue() const {
        return (single_ && depth_ == 1) || (!single_ && (depth_ == 1 || in_events_));
    }
    bool scalar() {
        if (skip_ == 0 && in_events_ && depth_ == 2)
            return fail("event: not a JSON object");
        return true;
    }
    bool skipValue() {
        ++skip_;
        return true;
    }
    bool endSkipped() {
        --skip_;
        return true;
    }
    void startEvent() {
        in_event_ = true;
        event_ = HostEvent{};
        event_.time = {};
        mac_.clear();
        ip_.clear();
        field_ = Field::none;
    }
    bool endEvent() {
        in_event_ = false;
        if (event_.kind.empty())
            return fail("event: no kind");
        if (!mac_.empty()) {
            event_.mac = MacAddr::parse(mac_);
            if (!event_.mac)
                return fail("event: bad mac '" + mac_ + "'");
        }
        if (!ip_.empty()) {
            event_.ip = Ipv4::parse(ip_);
            if (!event_.ip)
                return fail("event: bad ip '" + ip_ + "'");
        }
        if (!single_ && events_.size() >= kMaxEventsPerBatch) {
            return fail("events: more than " + std::to_string(kMaxEventsPerBatch) +
                        " in one batch");
        }
        events_.push_back(std::move(event_));
        return true;
    }
    // A time the clock cannot hold (past year 2262, or before 1970) is refused rather than
    // overflowing it.
    bool setTime(uint64_t ms) {
        if (ms > kMaxTimeMs)
            return fail("event: time_ms out of range");
        event_.time = std::chrono::system_clock::time_point(
            std::chrono::milliseconds(static_cast<int64_t>(ms)));
        return true;
    }
    bool fail(std::string why) {
        if (error_.empty())
            error_ = std::move(why);
        return false;
    }

    bool single_;
    int depth_ = 0;
    int skip_ = 0;
    bool in_events_ = false;
    bool saw_events_ = false;
    bool in_event_ = false;
    std::string top_key_;
    Field field_ = Field::none;
    HostEvent event_;
    std::string mac_, ip_;
    std::vector<HostEvent> events_;
    std::string error_;
};

Result<std::vector<HostEvent>> readEvents(std::string_view text, bool single) {
    EventsReader reader(single);
    (void)json::sax_parse(text.begin(), text.end(), &reader, nlohmann::detail::input_format_t::json,
                          true);
    if (Status st = reader.finish(); !st)
        return st;
    return std::move(reader.events());
}

}  // namespace

std::string encodeEvent(const HostEvent& e) {
    std::string out;
    out.reserve(160 + e.detail.size());
    appendEvent(out, e);
    return out;
}

Result<HostEvent> decodeEvent(std::string_view text) {
    auto events = readEvents(text, true);
    if (!events)
        return events.status();
    return std::move(events->front());
}

std::string encodeEvents(const std::vector<HostEvent>& events) {
    std::string out = "{\"events\":[";
    out.reserve(16 + events.size() * 160);
    for (size_t i = 0; i < events.size(); ++i) {
        if (i > 0)
            out.push_back(',');
        appendEvent(out, events[i]);
    }
    out += "]}";
    return out;
}

Result<std::vector<HostEvent>> decodeEvents(std::string_view text) {
    return readEvents(text, false);
}

}  // namespace vq::control::wire
