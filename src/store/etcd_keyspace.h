#pragma once
// Where the etcd store keeps things, under the configured Root and the SoT's id (the
// original's layout, <Root>/<sot-id>/<site-id>/...):
//   <Root>/leader                                  the HA leader (election.h)
//   <Root>/writer                                  the HA leader that wrote last (etcd_writer.h)
//   <Root>/<sot>/_revision_next                    the next revision number to hand out
//   <Root>/<sot>/_rollout_follow                   the revision the rollout planned last
//   <Root>/<sot>/_revisions/<number>/meta          a revision's metadata, written last
//   <Root>/<sot>/_revisions/<number>/chunk/<i>     its SoT bundle, in chunks
//   <Root>/<sot>/_tasks/<task id>                  a task's lease and result (server's journal)
//   <Root>/<sot>/<site>/hosts/<host>               a host's rollout record
//   <Root>/<sot>/<site>/flows/<workflow>           a workflow's record
//   <Root>/<sot>/<site>/history/<host>             a host's recent transitions
//   <Root>/<sot>/<site>/progress/<host>            a host's stage progress
// Numbers are zero-padded to 20 digits so that keys sort as numbers do.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vq::store {

struct EtcdKeyspace {
    std::string root = "vaqueroServer";
    std::string sot;

    std::string sotPrefix() const { return root + "/" + sot + "/"; }
    std::string revisionsPrefix() const { return sotPrefix() + "_revisions/"; }
    std::string revisionCounter() const { return sotPrefix() + "_revision_next"; }
    std::string rolloutFollow() const { return sotPrefix() + "_rollout_follow"; }
    std::string revisionDir(uint64_t number) const;
    std::string revisionMeta(uint64_t number) const { return revisionDir(number) + "meta"; }
    std::string revisionChunk(uint64_t number, uint64_t index) const;
    std::string tasksPrefix() const { return sotPrefix() + "_tasks/"; }
    // `kind` is hosts, flows, history or progress; `key` is "site/name".
    std::string record(std::string_view kind, std::string_view key) const;
    std::string record(std::string_view kind, std::string_view site, std::string_view name) const;

    struct Parsed {
        std::string site;
        std::string kind;
        std::string name;
    };
    // A key under sotPrefix() that is a site record; nullopt for anything else.
    std::optional<Parsed> parse(std::string_view key) const;
};

std::string leaderKey(std::string_view root);
std::string writerKey(std::string_view root);

}  // namespace vq::store
