#include "store/etcd_keyspace.h"

#include <fmt/format.h>

namespace vq::store {

std::string EtcdKeyspace::revisionDir(uint64_t number) const {
    return fmt::format("{}{:020d}/", revisionsPrefix(), number);
}

std::string EtcdKeyspace::revisionChunk(uint64_t number, uint64_t index) const {
    return fmt::format("{}chunk/{:020d}", revisionDir(number), index);
}

std::string EtcdKeyspace::record(std::string_view kind, std::string_view key) const {
    const size_t slash = key.find('/');
    if (slash == std::string_view::npos)
        return record(kind, "", key);
    return record(kind, key.substr(0, slash), key.substr(slash + 1));
}

std::string EtcdKeyspace::record(std::string_view kind,
                                 std::string_view site,
                                 std::string_view name) const {
    return fmt::format("{}{}/{}/{}", sotPrefix(), site, kind, name);
}

std::optional<EtcdKeyspace::Parsed> EtcdKeyspace::parse(std::string_view key) const {
    const std::string prefix = sotPrefix();
    if (!key.starts_with(prefix))
        return std::nullopt;
    key.remove_prefix(prefix.size());
    const size_t a = key.find('/');
    if (a == std::string_view::npos)
        return std::nullopt;
    const size_t b = key.find('/', a + 1);
    if (b == std::string_view::npos)
        return std::nullopt;
    Parsed p{std::string(key.substr(0, a)), std::string(key.substr(a + 1, b - a - 1)),
             std::string(key.substr(b + 1))};
    if (p.site == "_revisions" || p.site == "_tasks" || p.name.empty())
        return std::nullopt;
    return p;
}

std::string leaderKey(std::string_view root) {
    return std::string(root) + "/leader";
}

std::string writerKey(std::string_view root) {
    return std::string(root) + "/writer";
}

}  // namespace vq::store
