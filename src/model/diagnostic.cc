#include "model/diagnostic.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vq::model {

const char* severityName(Severity s) {
    return s == Severity::Error ? "error" : "warning";
}

std::string Diagnostic::toString() const {
    std::string out = file;
    if (line > 0) {
        out += fmt::format(":{}:{}", line, col > 0 ? col : 1);
    }
    out += ": ";
    out += severityName(severity);
    out += ": ";
    if (!path.empty()) {
        out += path;
        out += ": ";
    }
    out += message;
    return out;
}

void Diagnostics::error(
    std::string file, int line, int col, std::string path, std::string message) {
    list_.push_back(Diagnostic{std::move(file), line, col, Severity::Error, std::move(path),
                               std::move(message)});
}

void Diagnostics::warning(
    std::string file, int line, int col, std::string path, std::string message) {
    list_.push_back(Diagnostic{std::move(file), line, col, Severity::Warning, std::move(path),
                               std::move(message)});
}

size_t Diagnostics::errorCount() const {
    return static_cast<size_t>(std::count_if(list_.begin(), list_.end(), [](const Diagnostic& d) {
        return d.severity == Severity::Error;
    }));
}

size_t Diagnostics::warningCount() const {
    return list_.size() - errorCount();
}

void sortDiagnostics(std::vector<Diagnostic>& list) {
    std::stable_sort(list.begin(), list.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file)
            return a.file < b.file;
        if (a.line != b.line)
            return a.line < b.line;
        return a.col < b.col;
    });
}

std::string diagnosticsToJson(const std::vector<Diagnostic>& list) {
    nlohmann::json arr = nlohmann::json::array();
    size_t errors = 0;
    for (const auto& d : list) {
        if (d.severity == Severity::Error)
            ++errors;
        arr.push_back({{"file", d.file},
                       {"line", d.line},
                       {"col", d.col},
                       {"severity", severityName(d.severity)},
                       {"path", d.path},
                       {"message", d.message}});
    }
    nlohmann::json out = {
        {"diagnostics", arr}, {"errors", errors}, {"warnings", list.size() - errors}};
    // Replace invalid UTF-8 from user files instead of throwing.
    return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string diagnosticsSummary(const std::vector<Diagnostic>& list) {
    size_t errors = 0;
    for (const auto& d : list) {
        if (d.severity == Severity::Error)
            ++errors;
    }
    const size_t warnings = list.size() - errors;
    return fmt::format("{} error{}, {} warning{}", errors, errors == 1 ? "" : "s", warnings,
                       warnings == 1 ? "" : "s");
}

}  // namespace vq::model
