#pragma once
// The three kinds of metric Vaquero keeps, each safe to update from any thread without a
// lock (relaxed atomics: a scrape may see one update before another, never a torn value).
// They are created by a Registry (registry.h), which owns them; callers keep a reference
// and update it on their hot path at the cost of one atomic add.

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace vq::metrics {

class Counter {
public:
    void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<uint64_t> value_{0};
};

class Gauge {
public:
    void set(double v) { value_.store(v, std::memory_order_relaxed); }
    void add(double v);
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

struct HistogramSnapshot {
    std::vector<double> bounds;    // upper bounds, ascending; +Inf is implied
    std::vector<uint64_t> counts;  // cumulative, one per bound, then the +Inf bucket (= count)
    double sum = 0;
    uint64_t count = 0;
};

// Observations in fixed buckets (upper bounds, in the metric's unit: seconds, bytes).
class Histogram {
public:
    explicit Histogram(std::span<const double> bounds);
    void observe(double v);
    HistogramSnapshot snapshot() const;

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
    std::atomic<double> sum_{0};
};

// Bucket bounds for request and transfer durations, in seconds (1 ms .. 60 s).
std::span<const double> latencyBuckets();

}  // namespace vq::metrics
