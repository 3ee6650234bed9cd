#pragma once
// Which of a server's stores `vaquero plan --state SAVEPATH` plans against. A server of several
// SoTs keeps the first one's store in SavePath and each other's in SavePath/sots/<ID> (a site
// belongs to one SoT), so the store meant is the one whose newest revision has the proposed
// SoT's sites. Pure: the caller reads the stores.

#include <set>
#include <string>
#include <vector>

#include "base/file_set.h"
#include "base/result.h"

namespace vq::plan {

struct StoredSot {
    std::string where;            // for messages: the store's file
    std::set<std::string> sites;  // site directories of its newest revision
};

// The site directories (`sites/<dir>/...`) a SoT's files hold.
std::set<std::string> siteDirectories(const std::vector<NamedFile>& files);

// The index of the store to plan against: the only one, or the only one sharing a site with
// `proposed`; an error naming every store and its sites otherwise.
Result<size_t> chooseStoredSot(const std::vector<StoredSot>& stores,
                               const std::set<std::string>& proposed);

}  // namespace vq::plan
