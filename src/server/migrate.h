#pragma once
// `vaquero migrate`: copies (or, with --dst-sot/--dst-site, renames) what a store holds
// between the embedded store and etcd, both ways and etcd to etcd. Each side is a
// configuration file: an Etcd section means etcd under its Root, else the embedded store in
// SavePath (which holds one SoT: the file's first SoT id, or --src-sot/--dst-sot).
//
// A record that already exists in the destination is a collision: listed, then a question
// on the terminal unless --ovwrt; without a terminal the command refuses (exit 1). The copy
// is read back and compared before --del removes the source.

#include <functional>
#include <iosfwd>
#include <memory>

#include "server/config.h"
#include "server/migrate_flags.h"

namespace vq::etcd {
class Client;
}

namespace vq::server {

struct MigrateIo {
    std::ostream* out = nullptr;
    std::ostream* err = nullptr;
    // Asks the operator about collisions; null: no terminal, so refuse.
    std::function<bool(const std::string& question)> confirm;
    // Tests plug an etcd in; null: a client is made from the configuration's Etcd section.
    std::shared_ptr<etcd::Client> src_etcd;
    std::shared_ptr<etcd::Client> dst_etcd;
};

// 0 copied (and verified), 1 refused or failed (collisions, verification, store errors),
// 2 a broken flag rule or an unusable configuration, named.
int runMigrate(const MigrateFlags& flags, const Config& src, const Config& dst, MigrateIo io);

}  // namespace vq::server
