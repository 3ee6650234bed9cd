// A load through the parse cache gives exactly what a fresh load gives, whatever changed
// between the two: edits, added, deleted, renamed and moved files, syntax errors and fixes.

#include "model/parsed_sot_cache.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::model {
namespace {

void describeValue(const tmpl::Value& v, std::string& out) {
    switch (v.kind()) {
        case tmpl::Kind::Map:
            out += '{';
            for (const auto& [k, e] : v.asMap()) {
                out += k + ':';
                describeValue(e, out);
                out += ',';
            }
            out += '}';
            return;
        case tmpl::Kind::List:
            out += '[';
            for (const auto& e : v.asList()) {
                describeValue(e, out);
                out += ',';
            }
            out += ']';
            return;
        case tmpl::Kind::String:
            out += '"' + v.asString() + '"';
            return;
        case tmpl::Kind::Int:
            out += std::to_string(v.asInt());
            return;
        case tmpl::Kind::Bool:
            out += v.asBool() ? "true" : "false";
            return;
        case tmpl::Kind::Double:
            out += std::to_string(v.asDouble());
            return;
        default:
            out += v.isNull() ? "null" : "missing";
    }
}

std::string origin(const Origin& o) {
    return o.file + ":" + std::to_string(o.line) + ":" + std::to_string(o.col);
}

// Everything a load decides, as text: diagnostics, every object with its origin and raw
// document, every host with what the lookups find.
std::string describe(const LoadResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics)
        out += d.toString() + "\n";
    if (!r.model)
        return out + "no model\n";
    const Model& m = *r.model;
    for (const auto& os : m.oses()) {
        out += "os " + os.id + " " + origin(os.origin) + " ";
        describeValue(os.raw, out);
        out += "\n";
    }
    for (const auto& b : m.boots()) {
        out += "boot " + b.id + " " + origin(b.origin) + " ";
        describeValue(b.raw, out);
        out += "\n";
    }
    for (const auto& w : m.workflows()) {
        out += "workflow " + w.id + " " + origin(w.origin) +
               " stages=" + std::to_string(w.stages.size()) + "\n";
    }
    for (const char* type : {"cloud-config", "ignition"}) {
        for (const auto& a : m.assets(type))
            out += "asset " + a.path + " " + a.text + "\n";
    }
    for (const auto& s : m.sites()) {
        out += "site " + s.id + " dir=" + s.dir + " name=" + s.name +
               " config=" + (s.config ? s.config->id : "-") + " ";
        describeValue(s.raw, out);
        out += "\n";
        for (const auto& h : s.hosts) {
            out += "  host " + h.name + " " + origin(h.origin) + " wf=" + h.workflow + " ";
            describeValue(h.raw, out);
            for (const auto& i : h.interfaces) {
                out += " if=" + i.mac_text + "/" + i.ipv4_text;
                if (i.mac) {
                    const HostMatch found = m.findByMac(s.id, *i.mac);
                    out += found ? "->" + found.host->name : "->none";
                }
            }
            const Host* by_name = m.host(s.id, h.name);
            out += by_name ? " named=" + origin(by_name->origin) : " named=none";
            out += "\n";
        }
    }
    return out;
}

std::string hostDoc(const std::string& name, int n, const std::string& subnet = "net") {
    const std::string last = std::to_string(n);
    return "---\nname: " + name +
           "\nworkflow: wf\ninterfaces:\n  - type: physical\n    subnet: " + subnet +
           "\n    mac: '02:00:00:00:00:" + (n < 16 ? "0" : "") +
           (n < 10 ? last : std::string(1, "0123456789abcdef"[n % 16])) +
           "'\n    identifier: eth0\n    ipv4: 10.0.0." + last + "\n";
}

std::vector<SotFile> baseSot() {
    return {
        {"assets/ignition/node.yml", "systemd: {}\n"},
        {"boot/node.yml",
         "id: node\noperating_system: os1\nunattended: {type: ignition, use: "
         "node.yml}\n"},
        {"os/os1.yml",
         "id: os1\nmajor_version: '1'\nos_family: CoreOS\nboot:\n  kernel: "
         "http://x/k\n"},
        {"sites/a/env.yml",
         "id: a\nsubnets:\n  - {id: net, cidr: 10.0.0.0/24, gateway: "
         "10.0.0.1}\n"},
        {"sites/a/hosts-1.yml", hostDoc("a1", 1) + hostDoc("a2", 2)},
        {"sites/a/hosts-2.yml", hostDoc("a3", 3)},
        {"sites/b/env.yml",
         "id: b\nsubnets:\n  - {id: net, cidr: 10.0.0.0/24, gateway: "
         "10.0.0.1}\n"},
        {"sites/b/hosts.yml", hostDoc("b1", 4)},
        {"workflows/wf.yml", "id: wf\nworkflow:\n  - boot: node\n"},
    };
}

void put(std::vector<SotFile>& files, const std::string& path, const std::string& data) {
    for (auto& f : files) {
        if (f.path == path) {
            f.data = data;
            return;
        }
    }
    files.push_back({path, data});
    std::sort(files.begin(), files.end(),
              [](const SotFile& a, const SotFile& b) { return a.path < b.path; });
}

void drop(std::vector<SotFile>& files, const std::string& path) {
    std::erase_if(files, [&](const SotFile& f) { return f.path == path; });
}

void rename(std::vector<SotFile>& files, const std::string& from, const std::string& to) {
    std::string data;
    for (const auto& f : files) {
        if (f.path == from)
            data = f.data;
    }
    drop(files, from);
    put(files, to, data);
}

TEST(ParsedSotCache, EveryChangeLoadsAsAFreshLoadWould) {
    struct Step {
        const char* what;
        void (*change)(std::vector<SotFile>&);
    };
    const Step steps[] = {
        {"edit a host",
         [](auto& f) { put(f, "sites/a/hosts-1.yml", hostDoc("a1", 11) + hostDoc("a2", 2)); }},
        {"add an inventory file", [](auto& f) { put(f, "sites/a/hosts-3.yml", hostDoc("a4", 5)); }},
        {"delete an inventory file", [](auto& f) { drop(f, "sites/a/hosts-2.yml"); }},
        {"rename a file", [](auto& f) { rename(f, "sites/a/hosts-3.yml", "sites/a/racks.yml"); }},
        {"move a file to another site",
         [](auto& f) { rename(f, "sites/a/racks.yml", "sites/b/racks.yml"); }},
        {"edit the env (hosts now outside their subnet)",
         [](auto& f) {
             put(f, "sites/b/env.yml",
                 "id: b\nsubnets:\n  - {id: net, cidr: 10.9.0.0/24, gateway: 10.9.0.1}\n");
         }},
        {"a syntax error", [](auto& f) { put(f, "sites/a/hosts-1.yml", "name: [broken\n"); }},
        {"the error fixed", [](auto& f) { put(f, "sites/a/hosts-1.yml", hostDoc("a1", 1)); }},
        {"a duplicate host in another file",
         [](auto& f) { put(f, "sites/a/hosts-4.yml", hostDoc("a1", 6)); }},
        {"an os edit and a renamed workflow",
         [](auto& f) {
             put(f, "os/os1.yml",
                 "id: os1\nmajor_version: '2'\nos_family: CoreOS\nboot:\n  kernel: http://y/k\n");
             rename(f, "workflows/wf.yml", "workflows/other.yml");
         }},
        {"an asset edit", [](auto& f) { put(f, "assets/ignition/node.yml", "storage: {}\n"); }},
        {"a site removed",
         [](auto& f) {
             drop(f, "sites/b/env.yml");
             drop(f, "sites/b/hosts.yml");
             drop(f, "sites/b/racks.yml");
         }},
    };
    ParsedSotCache cache;
    std::vector<SotFile> files = baseSot();
    ASSERT_EQ(describe(loadSotFiles(files, {}, &cache)), describe(loadSotFiles(files)));
    EXPECT_EQ(cache.lastLoad().parsed, 8u);  // every YAML file but the asset
    for (const Step& step : steps) {
        step.change(files);
        const std::string fresh = describe(loadSotFiles(files));
        EXPECT_EQ(describe(loadSotFiles(files, {}, &cache)), fresh) << step.what;
        // Only YAML files under os/, boot/, workflows/ and sites/ are parsed and kept.
        size_t yaml = 0;
        for (const auto& f : files)
            yaml += f.path.rfind("assets/", 0) == 0 ? 0 : 1;
        EXPECT_EQ(cache.size(), yaml) << step.what;
    }
}

TEST(ParsedSotCache, OnlyChangedFilesAreParsedAgain) {
    ParsedSotCache cache;
    std::vector<SotFile> files = baseSot();
    (void)loadSotFiles(files, {}, &cache);
    (void)loadSotFiles(files, {}, &cache);
    EXPECT_EQ(cache.lastLoad().parsed, 0u);
    EXPECT_EQ(cache.lastLoad().reused, 8u);
    put(files, "sites/a/hosts-2.yml", hostDoc("a3", 7));
    rename(files, "sites/b/hosts.yml", "sites/b/moved.yml");
    (void)loadSotFiles(files, {}, &cache);
    EXPECT_EQ(cache.lastLoad().parsed, 2u);
    EXPECT_EQ(cache.lastLoad().reused, 6u);
}

TEST(ParsedSotCache, SiteFilterGivesTheSameAsFresh) {
    ParsedSotCache cache;
    std::vector<SotFile> files = baseSot();
    LoadOptions only_b;
    only_b.site = "b";
    (void)loadSotFiles(files, {}, &cache);
    EXPECT_EQ(describe(loadSotFiles(files, only_b, &cache)), describe(loadSotFiles(files, only_b)));
    EXPECT_EQ(describe(loadSotFiles(files, {}, &cache)), describe(loadSotFiles(files)));
}

bool hasError(const LoadResult& r, const std::string& at, const std::string& text) {
    return std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [&](const Diagnostic& d) {
        return d.severity == Severity::Error && d.toString().rfind(at, 0) == 0 &&
               d.message.find(text) != std::string::npos;
    });
}

TEST(ParsedSotCache, AnUnchangedSiteIsSharedAndCheckedAgainOnlyWhenWhatItNamesMoves) {
    ParsedSotCache cache;
    std::vector<SotFile> files = baseSot();
    for (const char* site : {"a", "b"}) {
        put(files, std::string("sites/") + site + "/env.yml",
            std::string("id: ") + site +
                "\nsubnets:\n  - {id: net, cidr: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.2], "
                "ntp: [10.0.0.3]}\nagents:\n"
                "  - name: x\n    asset_server: {addr: 127.0.0.1, port: 24602}\n");
    }
    const LoadResult first = loadSotFiles(files, {}, &cache);
    ASSERT_FALSE(first.hasErrors()) << describe(first);

    // An os/ edit: both sites are the very same objects, their checks are not run again.
    put(files, "os/os1.yml",
        "id: os1\nmajor_version: '2'\nos_family: CoreOS\nboot:\n  kernel: http://y/k\n");
    const LoadResult os_edit = loadSotFiles(files, {}, &cache);
    EXPECT_EQ(describe(os_edit), describe(loadSotFiles(files)));
    EXPECT_EQ(cache.lastLoad().sites_reused, 2u);
    EXPECT_EQ(cache.lastLoad().sites_rechecked, 0u);
    EXPECT_EQ(&os_edit.model->sites()[0], &first.model->sites()[0]);
    EXPECT_EQ(os_edit.model->host("a", "a1"), first.model->host("a", "a1"));

    // The workflow every host names is gone: the shared sites are checked again and the
    // hosts refused, at their file and line.
    drop(files, "workflows/wf.yml");
    const LoadResult no_workflow = loadSotFiles(files, {}, &cache);
    EXPECT_EQ(describe(no_workflow), describe(loadSotFiles(files)));
    EXPECT_EQ(cache.lastLoad().sites_reused, 2u);
    EXPECT_EQ(cache.lastLoad().sites_rechecked, 2u);
    EXPECT_TRUE(hasError(no_workflow, "sites/a/hosts-1.yml:3:", "unknown workflow \"wf\""));
    EXPECT_TRUE(hasError(no_workflow, "sites/b/hosts.yml:3:", "unknown workflow \"wf\""));

    // Back again: accepted, and still the same site objects.
    put(files, "workflows/wf.yml", "id: wf\nworkflow:\n  - boot: node\n");
    const LoadResult back = loadSotFiles(files, {}, &cache);
    EXPECT_FALSE(back.hasErrors());
    EXPECT_EQ(cache.lastLoad().sites_rechecked, 2u);
    EXPECT_EQ(&back.model->sites()[1], &first.model->sites()[1]);

    // The os the hosts' boot needs removed: refused, though no site file changed.
    drop(files, "os/os1.yml");
    const LoadResult no_os = loadSotFiles(files, {}, &cache);
    EXPECT_EQ(describe(no_os), describe(loadSotFiles(files)));
    EXPECT_TRUE(hasError(no_os, "boot/node.yml:2:", "unknown os \"os1\""));

    // A site file edited: that site is made again, the other one is shared.
    put(files, "os/os1.yml",
        "id: os1\nmajor_version: '2'\nos_family: CoreOS\nboot:\n  kernel: http://y/k\n");
    put(files, "sites/b/hosts.yml", hostDoc("b1", 4) + hostDoc("b2", 8));
    const LoadResult site_edit = loadSotFiles(files, {}, &cache);
    EXPECT_EQ(describe(site_edit), describe(loadSotFiles(files)));
    EXPECT_EQ(cache.lastLoad().sites_reused, 1u);
    EXPECT_EQ(&site_edit.model->sites()[0], &first.model->sites()[0]);
    EXPECT_NE(site_edit.model->host("b", "b2"), nullptr);
}

}  // namespace
}  // namespace vq::model
