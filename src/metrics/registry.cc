#include "metrics/registry.h"

namespace vq::metrics {

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
    std::lock_guard lock(mu_);
    auto it = counters_.find(name);
    if (it == counters_.end())
        it = counters_.emplace(std::string(name), Family<Counter>{std::string(help), {}}).first;
    auto& child = it->second.children[labels];
    if (!child)
        child = std::make_unique<Counter>();
    return *child;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
    std::lock_guard lock(mu_);
    auto it = gauges_.find(name);
    if (it == gauges_.end())
        it = gauges_.emplace(std::string(name), Family<Gauge>{std::string(help), {}}).first;
    auto& child = it->second.children[labels];
    if (!child)
        child = std::make_unique<Gauge>();
    return *child;
}

Histogram& Registry::histogram(std::string_view name,
                               std::string_view help,
                               const Labels& labels,
                               std::span<const double> bounds) {
    std::lock_guard lock(mu_);
    auto it = histograms_.find(name);
    if (it == histograms_.end())
        it = histograms_.emplace(std::string(name), Family<Histogram>{std::string(help), {}}).first;
    auto& child = it->second.children[labels];
    if (!child)
        child = std::make_unique<Histogram>(bounds);
    return *child;
}

uint64_t Registry::addCollector(Collector collect) {
    std::lock_guard lock(mu_);
    const uint64_t id = next_collector_++;
    collectors_.emplace(id, std::move(collect));
    return id;
}

void Registry::removeCollector(uint64_t id) {
    std::lock_guard lock(mu_);
    collectors_.erase(id);
}

std::string Registry::render() const {
    Exposition out;
    return render(out);
}

std::string Registry::render(Exposition& out) const {
    gather(out);
    return out.render();
}

void Registry::gather(Exposition& out) const {
    std::lock_guard lock(mu_);
    for (const auto& [name, f] : counters_)
        for (const auto& [labels, c] : f.children)
            out.counter(name, f.help, labels, static_cast<double>(c->value()));
    for (const auto& [name, f] : gauges_)
        for (const auto& [labels, g] : f.children)
            out.gauge(name, f.help, labels, g->value());
    for (const auto& [name, f] : histograms_)
        for (const auto& [labels, h] : f.children)
            out.histogram(name, f.help, labels, h->snapshot());
    for (const auto& [id, collect] : collectors_)
        collect(out);
}

}  // namespace vq::metrics
