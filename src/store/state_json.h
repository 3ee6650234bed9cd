#pragma once
// The stored state's records as JSON, one record per etcd value: hosts and workflows of a
// rollout, a host's recent transitions, its stage progress, a revision's metadata. Times are
// milliseconds since the epoch (what the embedded store keeps too). Parsing never trusts its
// input: a value that does not read is an error naming it.

#include <string>
#include <vector>

#include "base/result.h"
#include "workflow/host_progress.h"
#include "workflow/rollout_store.h"

namespace vq::store::json {

std::string ofHost(const workflow::HostRecord& h);
Result<workflow::HostRecord> host(const std::string& text);
std::string ofFlow(const workflow::FlowRecord& f);
Result<workflow::FlowRecord> flow(const std::string& text);
std::string ofHistory(const std::vector<workflow::StoredTransition>& h);
Result<std::vector<workflow::StoredTransition>> history(const std::string& text);
std::string ofProgress(const workflow::HostProgress& p);
Result<workflow::HostProgress> progress(const std::string& text);

// A revision without its bundle; `size` and `chunks` say how to read the bundle back.
struct RevisionMeta {
    workflow::StoredRevision revision;  // bundle left empty
    uint64_t size = 0;
    uint64_t chunks = 0;
    std::string sha256;  // of the bundle, checked when read back
};
std::string ofRevisionMeta(const RevisionMeta& m);
Result<RevisionMeta> revisionMeta(const std::string& text);

}  // namespace vq::store::json
