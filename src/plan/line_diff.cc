#include "plan/line_diff.h"

#include <algorithm>

#include <fmt/format.h>

namespace vq::plan {
namespace {

std::vector<std::string_view> splitLines(std::string_view s) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < s.size()) {
        size_t nl = s.find('\n', start);
        if (nl == std::string_view::npos)
            nl = s.size();
        lines.push_back(s.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

using Lines = std::vector<std::string_view>;

// Myers on a[a0, a1) x b[b0, b1); appends the script to out. False when the distance is
// above max_edits (out is then left untouched).
bool myers(const Lines& a,
           size_t a0,
           size_t a1,
           const Lines& b,
           size_t b0,
           size_t b1,
           size_t max_edits,
           std::vector<DiffLine>& out) {
    const long n = static_cast<long>(a1 - a0), m = static_cast<long>(b1 - b0);
    const long dmax = std::min(n + m, static_cast<long>(max_edits));
    // trace[d][k + d]: furthest x on diagonal k after d edits (only k in [-d, d] is kept,
    // so memory grows with the distance squared, not with the file sizes).
    std::vector<std::vector<long>> trace;
    std::vector<long> prev{0};
    long found = -1;
    for (long d = 0; d <= dmax && found < 0; ++d) {
        std::vector<long> v(static_cast<size_t>(2 * d + 1));
        auto at = [&prev, d](long k) { return prev[static_cast<size_t>(k + d - 1)]; };
        for (long k = -d; k <= d; k += 2) {
            long x;
            if (d == 0)
                x = 0;
            else if (k == -d || (k != d && at(k - 1) < at(k + 1)))
                x = at(k + 1);
            else
                x = at(k - 1) + 1;
            long y = x - k;
            while (x < n && y < m &&
                   a[a0 + static_cast<size_t>(x)] == b[b0 + static_cast<size_t>(y)]) {
                ++x;
                ++y;
            }
            v[static_cast<size_t>(k + d)] = x;
            if (x >= n && y >= m)
                found = d;
        }
        trace.push_back(v);
        prev = std::move(v);
    }
    if (found < 0)
        return false;
    std::vector<DiffLine> rev;
    long x = n, y = m;
    for (long d = found; d > 0; --d) {
        const std::vector<long>& pv = trace[static_cast<size_t>(d - 1)];
        auto at = [&pv, d](long k) { return pv[static_cast<size_t>(k + d - 1)]; };
        const long k = x - y;
        const bool down = k == -d || (k != d && at(k - 1) < at(k + 1));
        const long pk = down ? k + 1 : k - 1;
        const long px = at(pk), py = px - pk;
        while (x > px + (down ? 0 : 1) && y > py + (down ? 1 : 0)) {
            --x;
            --y;
            rev.push_back({DiffOp::Equal, a[a0 + static_cast<size_t>(x)]});
        }
        if (down)
            rev.push_back({DiffOp::Insert, b[b0 + static_cast<size_t>(py)]});
        else
            rev.push_back({DiffOp::Delete, a[a0 + static_cast<size_t>(px)]});
        x = px;
        y = py;
    }
    while (x > 0 && y > 0) {
        --x;
        --y;
        rev.push_back({DiffOp::Equal, a[a0 + static_cast<size_t>(x)]});
    }
    out.insert(out.end(), rev.rbegin(), rev.rend());
    return true;
}

}  // namespace

std::vector<DiffLine> diffLines(std::string_view a_text,
                                std::string_view b_text,
                                size_t max_edits) {
    const Lines a = splitLines(a_text), b = splitLines(b_text);
    std::vector<DiffLine> out;
    // Common head and tail cost nothing to match and shrink what Myers has to search.
    size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head])
        ++head;
    size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
        ++tail;
    }
    for (size_t i = 0; i < head; ++i)
        out.push_back({DiffOp::Equal, a[i]});
    if (!myers(a, head, a.size() - tail, b, head, b.size() - tail, max_edits, out)) {
        for (size_t i = head; i < a.size() - tail; ++i)
            out.push_back({DiffOp::Delete, a[i]});
        for (size_t i = head; i < b.size() - tail; ++i)
            out.push_back({DiffOp::Insert, b[i]});
    }
    for (size_t i = a.size() - tail; i < a.size(); ++i)
        out.push_back({DiffOp::Equal, a[i]});
    return out;
}

std::string unifiedDiff(std::string_view a,
                        std::string_view b,
                        std::string_view old_label,
                        std::string_view new_label,
                        const DiffOptions& options) {
    if (a == b)
        return {};
    const std::vector<DiffLine> script = diffLines(a, b, options.max_edits);
    std::string body;
    size_t printed = 0, hidden = 0;
    // Lines past the cap are only counted, so a huge diff never builds a huge string.
    auto emit = [&](std::string line) {
        if (printed < options.max_lines) {
            body += line;
            body += '\n';
            ++printed;
        } else {
            ++hidden;
        }
    };
    // Old and new line numbers (0-based) at each script position.
    std::vector<size_t> old_at(script.size() + 1), new_at(script.size() + 1);
    for (size_t i = 0; i < script.size(); ++i) {
        old_at[i + 1] = old_at[i] + (script[i].op != DiffOp::Insert ? 1 : 0);
        new_at[i + 1] = new_at[i] + (script[i].op != DiffOp::Delete ? 1 : 0);
    }
    size_t i = 0;
    const size_t ctx = options.context;
    while (i < script.size()) {
        while (i < script.size() && script[i].op == DiffOp::Equal)
            ++i;
        if (i == script.size())
            break;
        const size_t start = i >= ctx ? i - ctx : 0;
        // Extend the hunk while the next change is within two contexts of the last one.
        size_t end = i;
        while (true) {
            while (end < script.size() && script[end].op != DiffOp::Equal)
                ++end;
            size_t next = end;
            while (next < script.size() && script[next].op == DiffOp::Equal)
                ++next;
            if (next < script.size() && next - end <= 2 * ctx) {
                end = next;
                continue;
            }
            end = std::min(script.size(), end + ctx);
            break;
        }
        const size_t old_n = old_at[end] - old_at[start], new_n = new_at[end] - new_at[start];
        emit(fmt::format("@@ -{},{} +{},{} @@", old_n ? old_at[start] + 1 : old_at[start], old_n,
                         new_n ? new_at[start] + 1 : new_at[start], new_n));
        for (size_t j = start; j < end; ++j) {
            const char mark = script[j].op == DiffOp::Equal    ? ' '
                              : script[j].op == DiffOp::Delete ? '-'
                                                               : '+';
            emit(fmt::format("{}{}", mark, script[j].text));
        }
        i = end;
    }
    std::string out = fmt::format("--- {}\n+++ {}\n", old_label, new_label);
    if (printed == 0 && hidden == 0) {
        // Only a final newline (or nothing the line split sees) differs.
        out += "@@ the texts differ only in their line endings @@\n";
        return out;
    }
    out += body;
    if (hidden > 0)
        out += fmt::format("... {} more lines\n", hidden);
    return out;
}

}  // namespace vq::plan
