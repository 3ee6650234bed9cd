#pragma once
// A process's metrics: the counters, gauges and histograms modules update on their hot
// paths, plus collectors that read state kept elsewhere (service statistics, hosts by
// state) when a scrape asks. One Registry per process part that serves /metrics (no
// globals: several servers can run in one process, as tests do).
//
// Asking twice for the same name and labels gives the same metric, so a module may ask once
// at start and keep the reference. Labels must have bounded values (a message type, a
// route, a result), never a MAC or an address.

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/exposition.h"
#include "metrics/metric.h"

namespace vq::metrics {

class Registry {
public:
    using Collector = std::function<void(Exposition&)>;

    Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
    Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
    Histogram& histogram(std::string_view name,
                         std::string_view help,
                         const Labels& labels = {},
                         std::span<const double> bounds = latencyBuckets());
    // Called on every scrape, in the order added; must not call back into the registry.
    // Returns an id for remove().
    uint64_t addCollector(Collector collect);
    void removeCollector(uint64_t id);

    // The whole exposition (text format 0.0.4).
    std::string render() const;
    // The same, with samples already gathered by the caller (`out` is consumed).
    std::string render(Exposition& out) const;
    // Adds this registry's samples to `out` (several registries in one exposition).
    void gather(Exposition& out) const;

private:
    template <typename M>
    struct Family {
        std::string help;
        std::map<Labels, std::unique_ptr<M>> children;
    };

    mutable std::mutex mu_;
    std::map<std::string, Family<Counter>, std::less<>> counters_;
    std::map<std::string, Family<Gauge>, std::less<>> gauges_;
    std::map<std::string, Family<Histogram>, std::less<>> histograms_;
    std::map<uint64_t, Collector> collectors_;
    uint64_t next_collector_ = 1;
};

// The content type of the text format, for the HTTP answer.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace vq::metrics
