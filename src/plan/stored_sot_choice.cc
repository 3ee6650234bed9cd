#include "plan/stored_sot_choice.h"

namespace vq::plan {
namespace {

std::string joined(const std::set<std::string>& names) {
    std::string out;
    for (const std::string& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "no site" : out;
}

}  // namespace

std::set<std::string> siteDirectories(const std::vector<NamedFile>& files) {
    std::set<std::string> out;
    for (const NamedFile& f : files) {
        if (f.path.rfind("sites/", 0) != 0)
            continue;
        const size_t end = f.path.find('/', 6);
        if (end != std::string::npos && end > 6)
            out.insert(f.path.substr(6, end - 6));
    }
    return out;
}

Result<size_t> chooseStoredSot(const std::vector<StoredSot>& stores,
                               const std::set<std::string>& proposed) {
    if (stores.size() == 1)
        return size_t{0};
    std::vector<size_t> sharing;
    for (size_t i = 0; i < stores.size(); ++i) {
        for (const std::string& site : proposed) {
            if (stores[i].sites.count(site) != 0) {
                sharing.push_back(i);
                break;
            }
        }
    }
    if (sharing.size() == 1)
        return sharing.front();
    std::string list;
    for (const StoredSot& s : stores)
        list += "\n  " + s.where + ": " + joined(s.sites);
    const std::string what = sharing.empty() ? "none of the stores has a site of the new SoT ("
                                             : "several stores have sites of the new SoT (";
    return Status::invalidArgument(what + joined(proposed) +
                                   "): a plan compares one SoT with its own store, and a site "
                                   "belongs to one SoT. The stores:" +
                                   list);
}

}  // namespace vq::plan
