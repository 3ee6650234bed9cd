#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "metrics/registry.h"
#include <gtest/gtest.h>

namespace vq::metrics {
namespace {

TEST(Metrics, SameNameAndLabelsGiveTheSameMetric) {
    Registry r;
    Counter& a = r.counter("vq_x_total", "x", {{"k", "1"}});
    Counter& b = r.counter("vq_x_total", "x", {{"k", "1"}});
    Counter& c = r.counter("vq_x_total", "x", {{"k", "2"}});
    EXPECT_EQ(&a, &b);
    EXPECT_NE(&a, &c);
}

TEST(Metrics, RendersTheTextFormat) {
    Registry r;
    r.counter("vq_requests_total", "Requests.", {{"route", "/ipxe"}, {"code", "200"}}).inc(3);
    r.counter("vq_requests_total", "Requests.", {{"route", "/config"}, {"code", "404"}}).inc();
    r.gauge("vq_hosts", "Hosts.").set(2.5);
    const std::string text = r.render();
    EXPECT_EQ(text,
              "# HELP vq_hosts Hosts.\n"
              "# TYPE vq_hosts gauge\n"
              "vq_hosts 2.5\n"
              "# HELP vq_requests_total Requests.\n"
              "# TYPE vq_requests_total counter\n"
              "vq_requests_total{route=\"/config\",code=\"404\"} 1\n"
              "vq_requests_total{route=\"/ipxe\",code=\"200\"} 3\n");
}

TEST(Metrics, HistogramBucketsAreCumulativeAndLessOrEqual) {
    Registry r;
    const double bounds[] = {0.1, 1};
    Histogram& h = r.histogram("vq_d_seconds", "D.", {}, bounds);
    h.observe(0.1);  // le="0.1" counts it (less or equal)
    h.observe(0.5);
    h.observe(7);
    const auto s = h.snapshot();
    ASSERT_EQ(s.counts.size(), 3u);
    EXPECT_EQ(s.counts[0], 1u);
    EXPECT_EQ(s.counts[1], 2u);
    EXPECT_EQ(s.counts[2], 3u);
    EXPECT_EQ(s.count, 3u);
    EXPECT_DOUBLE_EQ(s.sum, 7.6);
    const std::string text = r.render();
    EXPECT_NE(text.find("vq_d_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("vq_d_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("vq_d_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
    EXPECT_NE(text.find("vq_d_seconds_sum 7.6\n"), std::string::npos);
    EXPECT_NE(text.find("vq_d_seconds_count 3\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE vq_d_seconds histogram\n"), std::string::npos);
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
    Exposition e;
    e.gauge("vq_g", "line one\nback\\slash", {{"v", "a\"b\\c\nd"}}, 1);
    EXPECT_EQ(e.render(),
              "# HELP vq_g line one\\nback\\\\slash\n# TYPE vq_g gauge\n"
              "vq_g{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Metrics, CollectorsJoinTheirFamiliesWhateverTheOrder) {
    Registry r;
    r.counter("vq_a_total", "A.", {{"from", "registry"}}).inc();
    r.addCollector([](Exposition& e) {
        e.gauge("vq_b", "B.", {}, 1);
        e.counter("vq_a_total", "A.", {{"from", "collector"}}, 5);
    });
    const auto id = r.addCollector([](Exposition& e) { e.gauge("vq_b", "B.", {{"x", "y"}}, 2); });
    const std::string text = r.render();
    // One HELP/TYPE per family, its samples together.
    EXPECT_EQ(text,
              "# HELP vq_a_total A.\n# TYPE vq_a_total counter\n"
              "vq_a_total{from=\"registry\"} 1\nvq_a_total{from=\"collector\"} 5\n"
              "# HELP vq_b B.\n# TYPE vq_b gauge\nvq_b 1\nvq_b{x=\"y\"} 2\n");
    r.removeCollector(id);
    EXPECT_EQ(r.render().find("x=\"y\""), std::string::npos);
}

TEST(Metrics, RegistriesOfSeveralPartsShareFamiliesApartByTheirCommonLabel) {
    Registry a, b;
    a.counter("vq_c_total", "C.", {{"kind", "x"}}).inc();
    b.counter("vq_c_total", "C.", {{"kind", "x"}}).inc(3);
    b.histogram("vq_h_seconds", "H.", {}, std::vector<double>{1.0}).observe(0.5);
    Exposition e;
    e.setCommonLabels({{"sot", "one"}});
    a.gather(e);
    e.setCommonLabels({{"sot", "two"}});
    b.gather(e);
    e.setCommonLabels({});
    e.gauge("vq_build", "B.", {}, 1);
    EXPECT_EQ(e.render(),
              "# HELP vq_build B.\n# TYPE vq_build gauge\nvq_build 1\n"
              "# HELP vq_c_total C.\n# TYPE vq_c_total counter\n"
              "vq_c_total{sot=\"one\",kind=\"x\"} 1\nvq_c_total{sot=\"two\",kind=\"x\"} 3\n"
              "# HELP vq_h_seconds H.\n# TYPE vq_h_seconds histogram\n"
              "vq_h_seconds_bucket{sot=\"two\",le=\"1\"} 1\n"
              "vq_h_seconds_bucket{sot=\"two\",le=\"+Inf\"} 1\n"
              "vq_h_seconds_sum{sot=\"two\"} 0.5\nvq_h_seconds_count{sot=\"two\"} 1\n");
}

TEST(Metrics, AKindMismatchIsIgnoredNotMixed) {
    Exposition e;
    e.counter("vq_m_total", "M.", {}, 1);
    e.gauge("vq_m_total", "M.", {}, 2);
    EXPECT_EQ(e.render(), "# HELP vq_m_total M.\n# TYPE vq_m_total counter\nvq_m_total 1\n");
}

TEST(Metrics, FormatsSpecialValues) {
    EXPECT_EQ(formatValue(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(formatValue(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(formatValue(std::nan("")), "NaN");
    EXPECT_EQ(formatValue(42), "42");
    EXPECT_EQ(formatValue(0.25), "0.25");
    EXPECT_EQ(formatValue(1e20), "1e+20");
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
    Registry r;
    Counter& c = r.counter("vq_c_total", "C.");
    Histogram& h = r.histogram("vq_h_seconds", "H.");
    Gauge& g = r.gauge("vq_g", "G.");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                c.inc();
                h.observe(0.002);
                g.add(1);
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(c.value(), 40000u);
    EXPECT_EQ(h.snapshot().count, 40000u);
    EXPECT_DOUBLE_EQ(g.value(), 40000);
}

}  // namespace
}  // namespace vq::metrics
