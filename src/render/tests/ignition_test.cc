#include "render/ignition.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vq::render {
namespace {

using nlohmann::json;

json translate(std::string_view yaml) {
    auto r = translateIgnition(yaml);
    EXPECT_TRUE(r.ok()) << (r.issues.empty() ? "" : r.issues.front().message);
    return r.ok() ? json::parse(r.json) : json();
}

TEST(Ignition, VersionIsSet) {
    EXPECT_EQ(translate("")["ignition"]["version"], "2.0.0");
    EXPECT_EQ(translate("---\n")["ignition"]["version"], "2.0.0");
    EXPECT_EQ(translate("ignition:\n  version: 9.9.9\n")["ignition"]["version"], "2.0.0");
}

TEST(Ignition, SnakeCaseBecomesCamelCase) {
    json j = translate(R"(passwd:
  users:
    - name: core
      password_hash: $1$abc
      ssh_authorized_keys:
        - ssh-rsa AAA
      create:
        home_dir: /home/core
        no_create_home: false
        uid: 500
storage:
  disks:
    - device: /dev/sda
      wipe_table: true
      partitions:
        - label: ROOT
          type_guid: abc
          number: 1
  arrays:
    - name: md0
      level: raid1
      devices: [/dev/sda1, /dev/sdb1]
)");
    const json& u = j["passwd"]["users"][0];
    EXPECT_EQ(u["passwordHash"], "$1$abc");
    EXPECT_EQ(u["sshAuthorizedKeys"], json::array({"ssh-rsa AAA"}));
    EXPECT_EQ(u["create"]["homeDir"], "/home/core");
    EXPECT_EQ(u["create"]["noCreateHome"], false);
    EXPECT_EQ(u["create"]["uid"], 500);
    EXPECT_EQ(j["storage"]["disks"][0]["wipeTable"], true);
    EXPECT_EQ(j["storage"]["disks"][0]["partitions"][0]["typeGuid"], "abc");
    EXPECT_EQ(j["storage"]["raid"][0]["devices"][1], "/dev/sdb1");
}

TEST(Ignition, InlineContentsBecomeDataUrls) {
    json j = translate(R"(storage:
  files:
    - path: /etc/hostname
      mode: 0644
      user: {id: 0}
      contents:
        inline: |
          host1 & "x"
    - path: /opt/bin/tool
      filesystem: oem
      contents:
        remote:
          url: http://example.com/tool
          compression: gzip
          verification:
            hash:
              function: sha512
              sum: abc
)");
    const json& f = j["storage"]["files"];
    EXPECT_EQ(f[0]["contents"]["source"], "data:,host1%20%26%20%22x%22%0A");
    EXPECT_EQ(f[0]["mode"], 420);  // YAML 1.1 octal
    EXPECT_EQ(f[0]["filesystem"], "root");
    EXPECT_EQ(f[1]["filesystem"], "oem");
    EXPECT_EQ(f[1]["contents"]["source"], "http://example.com/tool");
    EXPECT_EQ(f[1]["contents"]["compression"], "gzip");
    EXPECT_EQ(f[1]["contents"]["verification"]["hash"], "sha512-abc");
}

TEST(Ignition, SystemdAndNetworkdUnits) {
    json j = translate(R"(systemd:
  units:
    - name: etcd2.service
      enable: yes
      dropins:
        - name: 40.conf
          contents: |
            [Service]
networkd:
  units:
    - name: 10-static.network
      contents: "[Match]\n"
)");
    EXPECT_EQ(j["systemd"]["units"][0]["enable"], true);
    EXPECT_EQ(j["systemd"]["units"][0]["dropins"][0]["contents"], "[Service]\n");
    EXPECT_EQ(j["networkd"]["units"][0]["contents"], "[Match]\n");
}

TEST(Ignition, TypeErrorsCarryLines) {
    auto r = translateIgnition("systemd:\n  units:\n    - name: a\n      enable: maybe\n");
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.issues.size(), 1u);
    EXPECT_EQ(r.issues[0].line, 4);
    EXPECT_EQ(r.issues[0].path, "systemd.units[0].enable");
    EXPECT_EQ(r.issues[0].message, "expected a boolean");
    EXPECT_TRUE(r.json.empty());
}

TEST(Ignition, UnknownKeysAreWarningsAndDropped) {
    auto r = translateIgnition("systemd:\n  units:\n    - name: a\n      foo: 1\nbogus: 2\n");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.issues.size(), 2u);
    EXPECT_FALSE(r.issues[0].error);
    EXPECT_EQ(r.issues[0].path, "systemd.units[0].foo");
    EXPECT_EQ(r.json.find("bogus"), std::string::npos);
}

TEST(Ignition, YamlSyntaxError) {
    auto r = translateIgnition("systemd:\n  units: [a\n");
    ASSERT_FALSE(r.ok());
    EXPECT_GT(r.issues[0].line, 0);
}

TEST(Ignition, JsonPassesThrough) {
    const std::string doc = R"({"ignition":{"version":"2.1.0"},"systemd":{}})";
    auto r = translateIgnition("  " + doc);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.json, "  " + doc);
    EXPECT_FALSE(translateIgnition("{\"systemd\":{}}").ok());
    EXPECT_FALSE(translateIgnition("{nope").ok());
}

TEST(Ignition, Helpers) {
    EXPECT_EQ(snakeToCamel("ssh_authorized_keys"), "sshAuthorizedKeys");
    EXPECT_EQ(snakeToCamel("name"), "name");
    EXPECT_EQ(dataUrl("a b/c\n"), "data:,a%20b%2Fc%0A");
}

}  // namespace
}  // namespace vq::render
