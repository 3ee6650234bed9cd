#pragma once
// How the control interfaces travel between `vaquero agent` and `vaquero server`: the
// ServerAPI's paths and the JSON of what they carry. Both ends use these, so the two never
// disagree on a field. Everything decoded comes from the network: bounded, checked, and an
// error rather than an exception.
//
//   POST /v1/login       {"token": <login JWT>, "version"}     -> {"session", "exp"}
//   GET  /v1/watch?revision=N   long poll: answers at once when the newest revision is not N,
//                               else when one is accepted or after the server's timeout
//                                                              -> {"revision", "source_id",
//                                                              "commit"}
//   GET  /v1/bundle?revision=N[&have=M]  the site's files of revision N (model/sot_bundle.h
//                               blob), or when the server keeps M, the agent's revision, only
//                               what changed since M (model/sot_delta.h)
//   GET  /v1/manifest?changes=C  long poll: answers at once when the server's change count is
//                               not C, else when it changes, or after the server's timeout
//                               with 204 and no body (C = 0: at once)
//                                     -> {"revision", "changes", "hosts": {name: {"boot", ...}}}
//   POST /v1/events             {"events": [event...]}          -> {"accepted"}
//   POST /v1/checkpoint         {"host", "boot"}                -> {"summary", "boot", "stage"}
//   GET  /v1/tasks?wait=S&max=N long poll: the site's tasks, now leased to this agent
//                               -> {"tasks": [{"id", "host", "kind", "args", "timeout_s"}]}
//   POST /v1/tasks/results      {"results": [{"id", "ok", "detail"}]}  -> {"accepted"}
// Every path but login needs "Authorization: Bearer <session>"; the site is the session's.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "control/links.h"

#include "base/event.h"
#include "base/result.h"

namespace vq::control::wire {

inline constexpr std::string_view kLogin = "/v1/login";
inline constexpr std::string_view kWatch = "/v1/watch";
inline constexpr std::string_view kBundle = "/v1/bundle";
inline constexpr std::string_view kManifest = "/v1/manifest";
inline constexpr std::string_view kEvents = "/v1/events";
inline constexpr std::string_view kCheckpoint = "/v1/checkpoint";
inline constexpr std::string_view kTasks = "/v1/tasks";
inline constexpr std::string_view kTaskResults = "/v1/tasks/results";

inline constexpr size_t kMaxEventsPerBatch = 10'000;

struct RevisionInfo {
    uint64_t revision = 0;
    std::string source_id;
    std::string commit;
};
std::string encodeRevision(const RevisionInfo& r);
Result<RevisionInfo> decodeRevision(std::string_view json);

// The state manifest of a site, whole or as a delta: with `base` set, `hosts` holds only
// the hosts whose served boot differs from the manifest of change count `base` (the one the
// agent named in its poll) and `removed` the hosts it no longer has, so a SoT change or a
// checkpoint costs the agents what changed, not the whole site.
//
// A host's revision is the one it is served from. Most hosts follow the newest revision the
// server's state engine has planned (`follow`); they say 0, so that a SoT change that moves
// them all changes one number, not every entry. A host pinned elsewhere (out of date and
// waiting for its turn, or provisioning from an older revision) names its revision.
struct Manifest {
    uint64_t revision = 0;
    uint64_t changes = 0;  // the server's change count it reflects (what the next poll names)
    uint64_t base = 0;     // 0: whole; else a delta against the manifest of that change count
    uint64_t follow = 0;   // what a host's revision 0 means (0: the newest the agent holds)
    std::unordered_map<std::string, ServedBoot> hosts;  // by host name
    std::vector<std::string> removed;                   // a delta's hosts gone
};
std::string encodeManifest(const Manifest& m);
Result<Manifest> decodeManifest(std::string_view json);

// One event as a JSON object (also a line of the agent's on-disk queue).
std::string encodeEvent(const HostEvent& e);
Result<HostEvent> decodeEvent(std::string_view json);
std::string encodeEvents(const std::vector<HostEvent>& events);
Result<std::vector<HostEvent>> decodeEvents(std::string_view json);

struct CheckpointRequest {
    std::string host;
    std::string boot;
};
std::string encodeCheckpoint(const CheckpointRequest& c);
Result<CheckpointRequest> decodeCheckpoint(std::string_view json);

struct CheckpointAnswer {
    std::string summary;
    ServedBoot served;  // what the host is served now
};
std::string encodeCheckpointAnswer(const CheckpointAnswer& a);
Result<CheckpointAnswer> decodeCheckpointAnswer(std::string_view json);

inline constexpr size_t kMaxTasksPerCall = 1'000;

// A task's site is the session's: it does not travel.
std::string encodeTasks(const std::vector<Task>& tasks);
Result<std::vector<Task>> decodeTasks(std::string_view json);
std::string encodeTaskResults(const std::vector<TaskResult>& results);
Result<std::vector<TaskResult>> decodeTaskResults(std::string_view json);

// {"error": message}: how the server explains a refusal.
std::string encodeError(std::string_view message);
// The message of an error body, or the body itself when it is not one.
std::string errorMessage(std::string_view body);

}  // namespace vq::control::wire
