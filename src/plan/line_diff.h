#pragma once
// A unified line diff (Myers' O(ND) algorithm), bounded: edit distances beyond a cap fall
// back to "replace everything", and the printed hunks stop after a number of lines with
// "... N more lines", so a huge change never floods a plan.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vq::plan {

enum class DiffOp { Equal, Delete, Insert };

struct DiffLine {
    DiffOp op;
    std::string_view text;  // without its newline
};

// The shortest edit script from a to b (lines split on '\n'). Past max_edits edits it
// returns delete-all + insert-all instead (still a correct, if long, script).
std::vector<DiffLine> diffLines(std::string_view a, std::string_view b, size_t max_edits = 2000);

struct DiffOptions {
    size_t context = 3;     // unchanged lines around each change
    size_t max_lines = 60;  // printed lines (headers excluded) before "... N more lines"
    size_t max_edits = 1000;
};

// "--- old_label\n+++ new_label\n@@ -a,b +c,d @@\n..." ; empty when a == b.
std::string unifiedDiff(std::string_view a,
                        std::string_view b,
                        std::string_view old_label,
                        std::string_view new_label,
                        const DiffOptions& options = {});

}  // namespace vq::plan
