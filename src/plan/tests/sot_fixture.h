#pragma once
// A small SoT in memory for plan tests: two workflows (web, db) whose untyped configs each
// call their own snippet, one site with a web host (IPMI BMC) and a db host (no BMC).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::plan::testing {

class Sot {
public:
    Sot() {
        files_["os/linux.yml"] =
            "id: linux\nos_family: Debian\nboot:\n  kernel: \"{{.env.agentURL}}/vmlinuz\"\n"
            "  initrd: [\"{{.env.agentURL}}/initrd.gz\"]\ncmdline:\n  - console: ttyS0\n"
            "  - vq.host: \"{{.host.name}}\"\n  - vq.config: \"{{.boot.configURL}}\"\n";
        files_["boot/web.yml"] =
            "id: web\noperating_system: linux\nunattended: {type: untyped, use: web.cfg}\n";
        files_["boot/db.yml"] =
            "id: db\noperating_system: linux\nunattended: {type: untyped, use: db.cfg}\n";
        files_["assets/untyped/web.cfg"] =
            "# web\nhost={{.host.name}}\nrole={{.host.metadata.role}}\n{{template \"web\" .}}\n"
            "ipmi={{(index .host.bmcInterfaces 0).bmc.password}}\n";
        files_["assets/untyped/db.cfg"] = "# db\nhost={{.host.name}}\n{{template \"db\" .}}\n";
        files_["assets/untyped/snippets/web.cfg"] = "{{define \"web\"}}listen=80{{end}}";
        files_["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=pg{{end}}";
        files_["workflows/web.yml"] =
            "id: web\nworkflow:\n  - boot: web\ndeps:\n  max_concurrent: 1\n";
        files_["workflows/db.yml"] = "id: db\nworkflow:\n  - boot: db\n";
        files_["sites/lab/env.yml"] =
            "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    dns: "
            "[10.99.0.1]\nagents:\n  - name: a\n"
            "    asset_server: {addr: 10.99.0.2, port: 24602}\nmetadata:\n  dc: one\n";
        files_["sites/lab/inventory.yml"] = webHost("web1", 1) + "---\n" + dbHost("db1", 2);
    }

    static std::string webHost(const std::string& name, int n) {
        return "name: " + name +
               "\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:0" +
               std::to_string(n) + "\n    ipv4: 10.99.0.1" + std::to_string(n) +
               "\n  - type: bmc\n    subnet: net\n    mac: 52:54:00:00:01:0" + std::to_string(n) +
               "\n    ipv4: 10.99.0.10" + std::to_string(n) +
               "\n    bmc: {type: ipmi, username: admin, password: Hunter2Secret}\n"
               "metadata: {role: web}\nworkflow: web\n";
    }
    static std::string dbHost(const std::string& name, int n) {
        return "name: " + name +
               "\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:0" +
               std::to_string(n) + "\n    ipv4: 10.99.0.1" + std::to_string(n) +
               "\nmetadata: {role: db}\nworkflow: db\n";
    }

    std::string& operator[](const std::string& path) { return files_[path]; }
    void erase(const std::string& path) { files_.erase(path); }
    void replace(const std::string& path, const std::string& from, const std::string& to) {
        std::string& s = files_.at(path);
        const size_t at = s.find(from);
        ASSERT_NE(at, std::string::npos) << from << " not in " << path;
        s.replace(at, from.size(), to);
    }

    std::vector<model::SotFile> files() const {
        std::vector<model::SotFile> files;
        for (const auto& [path, text] : files_)
            files.push_back({path, text});
        return files;
    }

    // With `cache`, a site whose files did not change since the last load through it is the
    // very same object in both models (as the server loads revisions).
    std::shared_ptr<const model::Model> load(model::ParsedSotCache* cache = nullptr) const {
        model::LoadResult r = model::loadSotFiles(files(), {}, cache);
        for (const auto& d : r.diagnostics) {
            if (d.severity == model::Severity::Error)
                ADD_FAILURE() << d.toString();
        }
        return r.model;
    }

private:
    std::map<std::string, std::string> files_;
};

}  // namespace vq::plan::testing
