#include "plan/waves.h"

#include <algorithm>
#include <functional>

namespace vq::plan {

WaveAssignment assignWaves(const std::vector<WaveHost>& hosts,
                           const std::map<std::string, RolloutRule>& rules) {
    WaveAssignment out;
    std::map<std::string, long> count;
    for (const auto& h : hosts)
        ++count[h.workflow];
    auto limit = [&rules](const std::string& wf) -> long {
        auto it = rules.find(wf);
        return it == rules.end() ? 0 : std::max(0, it->second.max_concurrent);
    };
    auto chunks = [&](const std::string& wf) -> long {
        const long n = count.count(wf) ? count.at(wf) : 0;
        const long mc = limit(wf);
        return n == 0 ? 0 : (mc == 0 ? 1 : (n + mc - 1) / mc);
    };

    enum class Mark { New, Open, Done };
    std::map<std::string, Mark> mark;
    std::map<std::string, long> start;
    std::vector<std::string> path;
    // First wave of a workflow with hosts; the chain of block_deps is walked depth first.
    std::function<long(const std::string&)> startOf = [&](const std::string& wf) -> long {
        if (mark[wf] == Mark::Done)
            return start[wf];
        mark[wf] = Mark::Open;
        path.push_back(wf);
        long first = 1;
        auto rule = rules.find(wf);
        if (rule != rules.end()) {
            for (const auto& dep : rule->second.block_deps) {
                if (mark[dep] == Mark::Open) {
                    std::string loop;
                    auto from = std::find(path.begin(), path.end(), dep);
                    for (auto it = from; it != path.end(); ++it)
                        loop += *it + " -> ";
                    out.errors.push_back("block_deps cycle: " + loop + dep);
                    continue;
                }
                if (chunks(dep) == 0) {
                    // Nothing to provision there: its hosts stay standing. Its own blockers
                    // do not reach through it.
                    continue;
                }
                const long dep_end = startOf(dep) + chunks(dep) - 1;
                first = std::max(first, dep_end + 1);
                auto& list = out.blocked_by[wf];
                if (std::find(list.begin(), list.end(), dep) == list.end())
                    list.push_back(dep);
            }
        }
        path.pop_back();
        mark[wf] = Mark::Done;
        start[wf] = first;
        return first;
    };

    std::map<std::string, long> seen;
    out.wave.reserve(hosts.size());
    for (const auto& h : hosts) {
        const long index = seen[h.workflow]++;
        const long mc = limit(h.workflow);
        const long wave = startOf(h.workflow) + (mc == 0 ? 0 : index / mc);
        out.wave.push_back(static_cast<int>(wave));
        out.waves = std::max(out.waves, static_cast<int>(wave));
    }
    return out;
}

}  // namespace vq::plan
