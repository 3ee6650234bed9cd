#include "server/migrate.h"

#include <filesystem>
#include <map>
#include <ostream>
#include <set>

#include "etcd/client.h"

#include "server/etcd_client.h"
#include "server/stored_state.h"
#include "store/etcd_progress_store.h"
#include "store/etcd_rollout_store.h"
#include "store/sqlite_db.h"
#include "store/sqlite_progress_store.h"
#include "store/sqlite_rollout_store.h"

namespace vq::server {
namespace {

constexpr int kRefused = 1;
constexpr int kUsage = 2;

// One side of the migration: the embedded store of a SavePath or etcd under a Root.
class Side {
public:
    static Result<std::unique_ptr<Side>> open(const Config& config,
                                              std::shared_ptr<etcd::Client> client,
                                              bool must_exist) {
        std::unique_ptr<Side> s(new Side());
        s->config_ = config;
        if (config.etcd.present) {
            if (!client) {
                auto made = etcdClientFor(config.etcd);
                if (!made)
                    return made.status();
                client = *made;
            }
            s->client_ = client;
            s->writer_ = std::make_shared<store::EtcdWriter>(client, store::EtcdWriterOptions{});
            s->name_ = "etcd " + config.etcd.root + "/";
            return s;
        }
        s->embedded_ = true;
        s->must_exist_ = must_exist;
        const std::string first = s->fileOf(s->embeddedDefault());
        s->name_ = "embedded " + first;
        if (must_exist && !std::filesystem::exists(first) && config.sots.size() <= 1)
            return Status::notFound("no embedded store at " + first);
        return s;
    }

    bool embedded() const { return embedded_; }
    const std::string& name() const { return name_; }

    // The embedded store's SoTs when no --src-sot names one: of a configuration listing
    // several, those whose store exists (each in its own directory); else the one SoT.
    std::vector<std::string> embeddedSots() const {
        if (config_.sots.size() <= 1)
            return {embeddedDefault()};
        std::vector<std::string> out;
        for (const auto& sot : config_.sots) {
            if (std::filesystem::exists(fileOf(sot.id)))
                out.push_back(sot.id);
        }
        return out;
    }
    // A SoT's embedded store file: where its server keeps it (config.h sotStateDir).
    std::string fileOf(const std::string& sot) const {
        return (std::filesystem::path(sotStateDir(config_, sot)) / store::SqliteDb::kFileName)
            .string();
    }

    // The SoTs it holds: etcd's are the names under Root; the embedded store's is given.
    Result<std::vector<std::string>> sots() {
        const std::string prefix = config_.etcd.root + "/";
        auto keys = client_->getRange(prefix, etcd::prefixEnd(prefix), true);
        if (!keys)
            return keys.status();
        std::set<std::string> out;
        for (const auto& kv : keys->kvs) {
            const std::string rest = kv.key.substr(prefix.size());
            const size_t slash = rest.find('/');
            if (slash != std::string::npos && slash > 0)
                out.insert(rest.substr(0, slash));
        }
        return std::vector<std::string>(out.begin(), out.end());
    }

    Result<SotState> read(const std::string& sot) {
        auto st = stores(sot);
        if (!st)
            return st.status();
        return readSot(*st->first, *st->second);
    }
    Status write(const std::string& sot, const SotState& state) {
        auto st = stores(sot);
        if (!st)
            return st.status();
        return writeSot(state, *st->first, *st->second);
    }
    // Removes a SoT's records (all of it, or one site's).
    Status remove(const std::string& sot, const std::string& site) {
        if (!embedded()) {
            const std::string prefix =
                config_.etcd.root + "/" + sot + "/" + (site.empty() ? "" : site + "/");
            auto n = client_->delPrefix(prefix);
            return n ? Status::ok() : n.status();
        }
        auto db = dbOf(sot);
        if (!db)
            return db.status();
        return (*db)->write([&site](store::SqliteDb& d) -> Status {
            if (site.empty()) {
                return d.exec(
                    "DELETE FROM host_progress; DELETE FROM rollout_hosts; DELETE FROM "
                    "rollout_flows; DELETE FROM rollout_transitions; DELETE FROM revisions;");
            }
            std::string quoted;
            for (char c : site)
                quoted += c == '\'' ? std::string("''") : std::string(1, c);
            const std::string like = "'" + quoted + "/%'";
            const std::string sql = "DELETE FROM host_progress WHERE site = '" + quoted +
                                    "'; DELETE FROM rollout_hosts WHERE host LIKE " + like +
                                    "; DELETE FROM rollout_flows WHERE workflow LIKE " + like +
                                    "; DELETE FROM rollout_transitions WHERE host LIKE " + like +
                                    ";";
            return d.exec(sql.c_str());
        });
    }

private:
    Side() = default;
    std::string embeddedDefault() const {
        return config_.sots.empty() ? std::string("default") : config_.sots.front().id;
    }
    // The SoT's embedded store, opened once.
    Result<std::shared_ptr<store::SqliteDb>> dbOf(const std::string& sot) {
        if (auto it = dbs_.find(sot); it != dbs_.end())
            return it->second;
        const std::string file = fileOf(sot);
        if (must_exist_ && !std::filesystem::exists(file))
            return Status::notFound("no embedded store at " + file);
        auto db = store::SqliteDb::openDir(std::filesystem::path(file).parent_path().string());
        if (!db)
            return db.status();
        dbs_.emplace(sot, *db);
        return *db;
    }
    using Stores = std::pair<std::unique_ptr<workflow::RolloutStore>,
                             std::unique_ptr<workflow::ProgressStore>>;
    Result<Stores> stores(const std::string& sot) {
        if (embedded()) {
            auto db = dbOf(sot);
            if (!db)
                return db.status();
            auto r = store::SqliteRolloutStore::on(*db);
            if (!r)
                return r.status();
            auto p = store::SqliteProgressStore::on(*db);
            if (!p)
                return p.status();
            return Stores(std::move(*r), std::move(*p));
        }
        const store::EtcdKeyspace keys{config_.etcd.root, sot};
        return Stores(std::make_unique<store::EtcdRolloutStore>(writer_, keys),
                      std::make_unique<store::EtcdProgressStore>(writer_, keys));
    }

    Config config_;
    std::string name_;
    bool embedded_ = false;
    bool must_exist_ = false;
    std::map<std::string, std::shared_ptr<store::SqliteDb>> dbs_;
    std::shared_ptr<etcd::Client> client_;
    std::shared_ptr<store::EtcdWriter> writer_;
};

}  // namespace

int runMigrate(const MigrateFlags& flags,
               const Config& src_config,
               const Config& dst_config,
               MigrateIo io) {
    std::ostream& out = *io.out;
    std::ostream& err = *io.err;
    if (std::string rule = brokenMigrateRule(flags); !rule.empty()) {
        err << "vaquero migrate: " << rule << "\n";
        return kUsage;
    }
    auto src = Side::open(src_config, io.src_etcd, true);
    if (!src) {
        err << "vaquero migrate: --src: " << src.message() << "\n";
        return kUsage;
    }
    auto dst = Side::open(dst_config, io.dst_etcd, false);
    if (!dst) {
        err << "vaquero migrate: --dst: " << dst.message() << "\n";
        return kUsage;
    }
    Side& from = **src;
    Side& to = **dst;

    // What moves: source SoT id -> (destination SoT id, its state after renaming).
    std::vector<std::string> src_sots;
    if (!flags.src_sot.empty()) {
        src_sots.push_back(flags.src_sot);
    } else if (from.embedded()) {
        src_sots = from.embeddedSots();
    } else {
        auto all = from.sots();
        if (!all) {
            err << "vaquero migrate: " << all.message() << "\n";
            return kRefused;
        }
        src_sots = *all;
    }
    struct Move {
        std::string src_sot;
        std::string dst_sot;
        SotState state;
    };
    std::vector<Move> moves;
    for (const auto& sot : src_sots) {
        auto state = from.read(sot);
        if (!state) {
            err << "vaquero migrate: reading " << sot << " from " << from.name() << ": "
                << state.message() << "\n";
            return kRefused;
        }
        SotState s = std::move(*state);
        if (!flags.src_site.empty())
            s = onlySite(std::move(s), flags.src_site);
        if (!flags.dst_site.empty()) {
            if (s.sites.size() > 1) {
                err << "vaquero migrate: --dst-site renames one site: " << sot << " has "
                    << s.sites.size() << " (give --src-site)\n";
                return kUsage;
            }
            s = renameSites(std::move(s), flags.dst_site);
        }
        std::string target = flags.dst_sot.empty() ? sot : flags.dst_sot;
        if (s.empty())
            continue;
        moves.push_back(Move{sot, target, std::move(s)});
    }
    if (to.embedded() && moves.size() > 1 && dst_config.sots.size() <= 1) {
        err << "vaquero migrate: the embedded store of a server of one SoT holds one; the source "
               "has "
            << moves.size() << " (give --src-sot, or list them all in the destination's SoT)\n";
        return kUsage;
    }
    if (moves.empty()) {
        err << "vaquero migrate: nothing to migrate in " << from.name() << "\n";
        return kRefused;
    }

    // Collisions: records the copy would overwrite.
    std::vector<std::string> collided;
    for (const auto& m : moves) {
        auto existing = to.read(m.dst_sot);
        if (!existing) {
            err << "vaquero migrate: reading " << to.name() << ": " << existing.message() << "\n";
            return kRefused;
        }
        for (auto& c : collisions(m.state, *existing, m.dst_sot + "/"))
            collided.push_back(std::move(c));
    }
    if (!collided.empty() && !flags.overwrite) {
        err << collided.size() << " record(s) already in " << to.name() << ":\n";
        for (const auto& c : collided)
            err << "  " << c << "\n";
        if (!io.confirm) {
            err << "vaquero migrate: refusing to overwrite without a terminal to ask (give "
                   "--ovwrt to overwrite)\n";
            return kRefused;
        }
        if (!io.confirm("Overwrite them? [y/N] ")) {
            err << "vaquero migrate: nothing changed\n";
            return kRefused;
        }
    }

    for (const auto& m : moves) {
        if (Status st = to.write(m.dst_sot, m.state); !st) {
            err << "vaquero migrate: writing " << m.dst_sot << " to " << to.name() << ": "
                << st.message() << "\n";
            return kRefused;
        }
        auto back = to.read(m.dst_sot);
        if (!back) {
            err << "vaquero migrate: reading back: " << back.message() << "\n";
            return kRefused;
        }
        if (std::string diff = firstDifference(m.state, *back); !diff.empty()) {
            err << "vaquero migrate: the copy differs at " << m.dst_sot << "/" << diff
                << "; the source is kept\n";
            return kRefused;
        }
        size_t hosts = 0;
        for (const auto& [site, s] : m.state.sites)
            hosts += std::max(s.hosts.size(), s.progress.size());
        out << "migrated " << m.src_sot << (flags.src_site.empty() ? "" : "/" + flags.src_site)
            << " -> " << m.dst_sot << (flags.dst_site.empty() ? "" : "/" + flags.dst_site) << ": "
            << m.state.revisions.size() << " revision(s), " << m.state.sites.size() << " site(s), "
            << hosts << " host(s), verified\n";
    }
    if (flags.del) {
        for (const auto& m : moves) {
            if (Status st = from.remove(m.src_sot, flags.src_site); !st) {
                err << "vaquero migrate: the copy is done but removing the source failed: "
                    << st.message() << "\n";
                return kRefused;
            }
            out << "removed " << m.src_sot << (flags.src_site.empty() ? "" : "/" + flags.src_site)
                << " from " << from.name() << "\n";
        }
    }
    return 0;
}

}  // namespace vq::server
