#include "server/migrate_flags.h"

namespace vq::server {

std::string brokenMigrateRule(const MigrateFlags& f) {
    if (f.src.empty() || f.dst.empty())
        return "--src and --dst are required";
    if (!f.src_site.empty() && f.src_sot.empty())
        return "--src-site needs --src-sot";
    if (!f.dst_sot.empty() && f.src_sot.empty())
        return "--dst-sot needs a source SoT (--src-sot)";
    if (!f.dst_site.empty() && (f.src_sot.empty() || f.dst_sot.empty()))
        return "--dst-site needs both SoTs (--src-sot and --dst-sot)";
    if (f.src == f.dst && f.dst_sot.empty())
        return "--src and --dst are the same store: give --dst-sot to rename";
    return {};
}

}  // namespace vq::server
