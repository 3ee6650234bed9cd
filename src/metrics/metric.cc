#include "metrics/metric.h"

#include <algorithm>

namespace vq::metrics {
namespace {

void addDouble(std::atomic<double>& a, double v) {
    double cur = a.load(std::memory_order_relaxed);
    while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
    }
}

constexpr double kLatency[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                               0.5,   1,      2.5,   5,    10,    30,   60};

}  // namespace

void Gauge::add(double v) {
    addDouble(value_, v);
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {
    std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::observe(double v) {
    // Prometheus buckets are "less than or equal": the first bound >= v.
    const auto i =
        static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    addDouble(sum_, v);
}

HistogramSnapshot Histogram::snapshot() const {
    HistogramSnapshot s;
    s.bounds = bounds_;
    s.counts.resize(bounds_.size() + 1);
    uint64_t running = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        s.counts[i] = running;
    }
    s.count = running;
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
}

std::span<const double> latencyBuckets() {
    return kLatency;
}

}  // namespace vq::metrics
