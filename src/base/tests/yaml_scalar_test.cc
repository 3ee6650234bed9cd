// Replays src/base/testdata/yaml_scalars.golden.jsonl, written by tools/yaml_oracle with Go's
// gopkg.in/yaml.v2 decoding each scalar into interface{}: every row must resolve to the same
// Go type and the same value (floats bit for bit).

#include "base/yaml_scalar.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vq {
namespace {

struct GoldenRow {
    std::string in, type, value;
};

std::vector<GoldenRow> readGolden() {
    std::ifstream f("src/base/testdata/yaml_scalars.golden.jsonl");
    std::vector<GoldenRow> rows;
    std::string line;
    while (std::getline(f, line)) {
        const auto j = nlohmann::json::parse(line);
        rows.push_back({j.at("in"), j.at("type"), j.at("value")});
    }
    return rows;
}

double goFloat(const std::string& s) {
    if (s == "+Inf")
        return INFINITY;
    if (s == "-Inf")
        return -INFINITY;
    if (s == "NaN")
        return NAN;
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    EXPECT_TRUE(ec == std::errc() && ptr == s.data() + s.size()) << "bad golden float " << s;
    return v;
}

void expectMatches(const GoldenRow& row, const YamlScalar& got) {
    if (row.type == "<nil>") {
        EXPECT_EQ(got.kind, YamlScalarKind::Null);
    } else if (row.type == "bool") {
        ASSERT_EQ(got.kind, YamlScalarKind::Bool);
        EXPECT_EQ(got.boolean, row.value == "true");
    } else if (row.type == "int") {
        ASSERT_EQ(got.kind, YamlScalarKind::Int);
        EXPECT_EQ(std::to_string(got.integer), row.value);
    } else if (row.type == "uint64") {
        ASSERT_EQ(got.kind, YamlScalarKind::Uint);
        EXPECT_EQ(std::to_string(got.uinteger), row.value);
    } else if (row.type == "float64") {
        ASSERT_EQ(got.kind, YamlScalarKind::Float);
        const double want = goFloat(row.value);
        if (std::isnan(want)) {
            EXPECT_TRUE(std::isnan(got.number));
        } else {
            EXPECT_EQ(std::bit_cast<uint64_t>(got.number), std::bit_cast<uint64_t>(want))
                << "got " << got.number << ", want " << row.value;
        }
    } else if (row.type == "string") {
        EXPECT_EQ(got.kind, YamlScalarKind::String);
    } else {
        ADD_FAILURE() << "unexpected golden type " << row.type;
    }
}

TEST(YamlScalar, MatchesGoYamlV2OnEveryGoldenRow) {
    const auto rows = readGolden();
    ASSERT_GE(rows.size(), 60u);
    size_t checked = 0;
    for (const auto& row : rows) {
        SCOPED_TRACE("scalar '" + row.in + "' (Go: " + row.type + " " + row.value + ")");
        // yaml.v2 rejects a few texts as plain scalars in that position (a lone "-" starts a
        // block sequence); they have no answer to compare with.
        if (row.type == "error")
            continue;
        expectMatches(row, resolvePlainYamlScalar(row.in));
        ++checked;
    }
    EXPECT_GE(checked, rows.size() - 2);
}

TEST(YamlScalar, GoldenCoversTheCasesThatMatter) {
    std::set<std::string> inputs;
    for (const auto& row : readGolden())
        inputs.insert(row.in);
    for (const char* must : {"",
                             "~",
                             "null",
                             "y",
                             "no",
                             "on",
                             "off",
                             "0644",
                             "0o17",
                             "0x1F",
                             "0b101",
                             "1_000",
                             "-0",
                             "9223372036854775807",
                             "9223372036854775808",
                             "18446744073709551615",
                             "18446744073709551616",
                             ".5",
                             "1e3",
                             "1.5e+3",
                             "+.inf",
                             "-.Inf",
                             ".nan",
                             "1_0.5",
                             "6.8523015e+5",
                             "190:20:30",
                             "2016-09-01",
                             "2001-12-14t21:59:43.10-05:00",
                             "0x",
                             "1e",
                             "1.2.3",
                             "0.0.0.0",
                             "00:00:00:00:00:01",
                             "08",
                             "yes please",
                             "-",
                             "."}) {
        EXPECT_TRUE(inputs.count(must)) << "golden table lacks '" << must << "'";
    }
}

TEST(YamlScalar, SpotChecksReadableWithoutTheTable) {
    EXPECT_EQ(resolvePlainYamlScalar("0644").integer, 420);
    EXPECT_EQ(resolvePlainYamlScalar("on").kind, YamlScalarKind::Bool);
    EXPECT_EQ(resolvePlainYamlScalar("08").kind, YamlScalarKind::Float);
    EXPECT_EQ(resolvePlainYamlScalar("52:54:00:12:34:56").kind, YamlScalarKind::String);
    EXPECT_EQ(resolvePlainYamlScalar("2016-09-01").kind, YamlScalarKind::String);
    EXPECT_EQ(resolvePlainYamlScalar("host-01").kind, YamlScalarKind::String);
}

TEST(YamlScalar, HostileInputResolvesWithoutFailing) {
    EXPECT_EQ(resolvePlainYamlScalar(std::string(100000, '9')).kind, YamlScalarKind::String);
    EXPECT_EQ(resolvePlainYamlScalar("1e" + std::string(100000, '9')).kind, YamlScalarKind::String);
    const auto tiny = resolvePlainYamlScalar("-1e-" + std::string(100000, '9'));
    ASSERT_EQ(tiny.kind, YamlScalarKind::Float);
    EXPECT_EQ(std::bit_cast<uint64_t>(tiny.number), std::bit_cast<uint64_t>(-0.0));
    EXPECT_EQ(resolvePlainYamlScalar("0." + std::string(100000, '0') + "1e100000").kind,
              YamlScalarKind::Float);
    EXPECT_EQ(resolvePlainYamlScalar(std::string(100000, '_')).kind, YamlScalarKind::String);
    EXPECT_EQ(resolvePlainYamlScalar(std::string("1\0002", 3)).kind, YamlScalarKind::String);
    EXPECT_EQ(resolvePlainYamlScalar("\xff\xfe").kind, YamlScalarKind::String);
}

}  // namespace
}  // namespace vq
