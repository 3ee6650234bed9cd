#pragma once
// `vaquero migrate`'s flags and the original's rules between them: --src-site needs
// --src-sot, --dst-sot needs a source SoT, --dst-site needs both SoTs.

#include <string>

namespace vq::server {

struct MigrateFlags {
    std::string src;  // configuration files: SavePath (embedded) or Etcd
    std::string dst;
    std::string src_sot;
    std::string src_site;
    std::string dst_sot;
    std::string dst_site;
    bool overwrite = false;  // --ovwrt: no collision check
    bool del = false;        // --del: remove the source once the copy is verified
};

// The first rule the flags break, as a message naming it; empty when they keep them all.
std::string brokenMigrateRule(const MigrateFlags& flags);

}  // namespace vq::server
