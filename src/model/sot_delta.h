#pragma once
// A SoT as the difference from another: the files added or changed (path, bytes) and the
// paths deleted, zstd-compressed, naming the base it applies to (an opaque number: the
// server's revision). What an agent that holds the previous revision downloads instead of
// the whole bundle. Applying checks everything (base, sizes, counts, paths) and answers an
// error, never a crash.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/load.h"
#include "model/sot_bundle.h"

namespace vq::model {

// What a delta starts with, outside its zstd frame, so a delta is told from a whole bundle
// without unpacking.
inline constexpr std::string_view kSotDeltaMagic = "VQSOTD1\n";

// True when `blob` is a delta (not a whole bundle); false for anything else.
bool isSotDelta(std::string_view blob);

// The delta that turns `from` into `to` (both sorted by path, as readSotFiles gives them).
std::string packSotDelta(uint64_t base,
                         const std::vector<SotFile>& from,
                         const std::vector<SotFile>& to);

// `base_files` (sorted, the files of revision `base`) with the delta applied: sorted too.
// failed_precondition when the delta was made against another base.
Result<std::vector<SotFile>> applySotDelta(uint64_t base,
                                           const std::vector<SotFile>& base_files,
                                           std::string_view blob,
                                           const SotBundleLimits& limits = {});

}  // namespace vq::model
