#include "metrics/exposition.h"

#include <cmath>

#include <fmt/format.h>

namespace vq::metrics {
namespace {

std::string escape(std::string_view s, bool quote) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quote)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

std::string_view kindName(Kind k) {
    switch (k) {
        case Kind::counter:
            return "counter";
        case Kind::gauge:
            return "gauge";
        case Kind::histogram:
            return "histogram";
    }
    return "untyped";
}

}  // namespace

std::string formatLabels(const Labels& labels, std::string_view extra) {
    if (labels.empty() && extra.empty())
        return {};
    std::string out = "{";
    for (const auto& [k, v] : labels) {
        if (out.size() > 1)
            out += ',';
        out += k;
        out += "=\"";
        out += escape(v, true);
        out += '"';
    }
    if (!extra.empty()) {
        if (out.size() > 1)
            out += ',';
        out += extra;
    }
    out += '}';
    return out;
}

std::string formatValue(double v) {
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        return fmt::format("{}", static_cast<int64_t>(v));
    return fmt::format("{}", v);
}

Labels Exposition::withCommon(const Labels& labels) const {
    if (common_.empty())
        return labels;
    Labels all = common_;
    all.insert(all.end(), labels.begin(), labels.end());
    return all;
}

Exposition::Family* Exposition::family(std::string_view name, std::string_view help, Kind kind) {
    auto it = families_.find(name);
    if (it == families_.end())
        it = families_.emplace(std::string(name), Family{kind, std::string(help), {}}).first;
    return it->second.kind == kind ? &it->second : nullptr;
}

void Exposition::counter(std::string_view name,
                         std::string_view help,
                         const Labels& labels,
                         double v) {
    if (Family* f = family(name, help, Kind::counter))
        f->samples +=
            fmt::format("{}{} {}\n", name, formatLabels(withCommon(labels)), formatValue(v));
}

void Exposition::gauge(std::string_view name,
                       std::string_view help,
                       const Labels& labels,
                       double v) {
    if (Family* f = family(name, help, Kind::gauge))
        f->samples +=
            fmt::format("{}{} {}\n", name, formatLabels(withCommon(labels)), formatValue(v));
}

void Exposition::histogram(std::string_view name,
                           std::string_view help,
                           const Labels& given,
                           const HistogramSnapshot& h) {
    Family* f = family(name, help, Kind::histogram);
    if (f == nullptr)
        return;
    const Labels labels = withCommon(given);
    for (size_t i = 0; i < h.bounds.size(); ++i) {
        f->samples += fmt::format("{}_bucket{} {}\n", name,
                                  formatLabels(labels, "le=\"" + formatValue(h.bounds[i]) + "\""),
                                  h.counts[i]);
    }
    f->samples +=
        fmt::format("{}_bucket{} {}\n", name, formatLabels(labels, "le=\"+Inf\""), h.count);
    f->samples += fmt::format("{}_sum{} {}\n", name, formatLabels(labels), formatValue(h.sum));
    f->samples += fmt::format("{}_count{} {}\n", name, formatLabels(labels), h.count);
}

std::string Exposition::render() const {
    std::string out;
    for (const auto& [name, f] : families_) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape(f.help, false), name,
                           kindName(f.kind));
        out += f.samples;
    }
    return out;
}

}  // namespace vq::metrics
