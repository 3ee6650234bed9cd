#pragma once
// A problem found in a source of truth, pointing at the file, line and column where an
// operator fixes it. Loader, validator and (later) render-time checks all report these.

#include <string>
#include <vector>

namespace vq::model {

enum class Severity { Error, Warning };

struct Diagnostic {
    std::string file;  // as given to the loader (relative to the SoT root, or prefixed by it)
    int line = 0;      // 1-based; 0 when the problem concerns the whole file
    int col = 0;       // 1-based
    Severity severity = Severity::Error;
    std::string path;  // YAML path inside the document, e.g. "interfaces[1].ipv4"
    std::string message;

    // "file:line:col: error: path: message" (line/col and path left out when unknown).
    std::string toString() const;
};

const char* severityName(Severity s);

// Collects diagnostics while a SoT is loaded; cheap to pass around by reference.
class Diagnostics {
public:
    void error(std::string file, int line, int col, std::string path, std::string message);
    void warning(std::string file, int line, int col, std::string path, std::string message);
    void add(Diagnostic d) { list_.push_back(std::move(d)); }

    const std::vector<Diagnostic>& list() const { return list_; }
    std::vector<Diagnostic> take() { return std::move(list_); }
    size_t errorCount() const;
    size_t warningCount() const;

private:
    std::vector<Diagnostic> list_;
};

// Orders diagnostics by file, line, column (stable for equal positions).
void sortDiagnostics(std::vector<Diagnostic>& list);

// {"diagnostics": [{file, line, col, severity, path, message}], "errors": N, "warnings": N}
std::string diagnosticsToJson(const std::vector<Diagnostic>& list);

// "2 errors, 1 warning in 14 files" style summary line.
std::string diagnosticsSummary(const std::vector<Diagnostic>& list);

}  // namespace vq::model
