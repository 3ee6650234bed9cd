#pragma once
// The Prometheus text exposition format (version 0.0.4): samples are gathered by family, and
// render() writes each family once, sorted by name, with its HELP and TYPE lines, label
// values escaped. Both a Registry's own metrics and collectors (values computed at scrape
// time from state that is already counted elsewhere) write through it.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/metric.h"

namespace vq::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class Kind { counter, gauge, histogram };

class Exposition {
public:
    // `name` of a counter ends in _total (Prometheus conventions); the first call for a
    // name decides its help and kind, and a later call of another kind is ignored.
    void counter(std::string_view name, std::string_view help, const Labels& labels, double v);
    void gauge(std::string_view name, std::string_view help, const Labels& labels, double v);
    void histogram(std::string_view name,
                   std::string_view help,
                   const Labels& labels,
                   const HistogramSnapshot& h);

    std::string render() const;

    // Labels put first on every sample added from now on (a part of the process among
    // several of the same kind: {sot="..."}); empty: none.
    void setCommonLabels(Labels common) { common_ = std::move(common); }

private:
    struct Family {
        Kind kind = Kind::counter;
        std::string help;
        std::string samples;  // "name{labels} value\n" lines
    };
    Family* family(std::string_view name, std::string_view help, Kind kind);
    Labels withCommon(const Labels& labels) const;

    Labels common_;

    std::map<std::string, Family, std::less<>> families_;
};

// `{a="x",b="y"}` with values escaped, or "" for no labels; `extra` is appended (le="...").
std::string formatLabels(const Labels& labels, std::string_view extra = {});
// A sample value as Prometheus reads it: integers without a fraction, +Inf, NaN.
std::string formatValue(double v);

}  // namespace vq::metrics
