#include "http/router.h"

#include <algorithm>
#include <exception>

#include "base/log.h"

namespace vq::http {

bool Methods::allows(Method m) const {
    return std::find(list_.begin(), list_.end(), m) != list_.end();
}

std::string Methods::allowHeader() const {
    std::string out;
    for (Method m : list_) {
        if (!out.empty())
            out += ", ";
        auto s = boost::beast::http::to_string(m);
        out.append(s.data(), s.size());
    }
    return out;
}

void Router::exact(std::string path, Handler handler, Methods methods) {
    exact_.insert_or_assign(std::move(path), Route{std::move(handler), std::move(methods)});
}

void Router::prefix(std::string prefix, Handler handler, Methods methods) {
    auto it = std::find_if(prefixes_.begin(), prefixes_.end(),
                           [&](const auto& p) { return p.first == prefix; });
    if (it != prefixes_.end()) {
        it->second = Route{std::move(handler), std::move(methods)};
        return;
    }
    prefixes_.emplace_back(std::move(prefix), Route{std::move(handler), std::move(methods)});
    std::stable_sort(prefixes_.begin(), prefixes_.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

void Router::guard(std::function<std::optional<Response>(const Request&)> check) {
    guard_ = std::move(check);
}

Response Router::dispatch(Request& req) const {
    const Route* route = nullptr;
    if (auto it = exact_.find(req.path); it != exact_.end()) {
        route = &it->second;
        req.rest.clear();
    } else {
        for (const auto& [prefix, r] : prefixes_) {
            if (req.path.compare(0, prefix.size(), prefix) == 0) {
                route = &r;
                req.rest = req.path.substr(prefix.size());
                break;
            }
        }
    }
    if (route == nullptr)
        return Response::error(404, "no route for " + req.path);
    if (!route->methods.allows(req.method)) {
        auto r = Response::error(405, "method not allowed");
        r.header("Allow", route->methods.allowHeader());
        return r;
    }
    try {
        if (guard_) {
            if (auto refused = guard_(req))
                return std::move(*refused);
        }
        return route->handler(req);
    } catch (const std::exception& e) {
        return Response::error(500, std::string("handler failed: ") + e.what());
    } catch (...) {
        return Response::error(500, "handler failed");
    }
}

}  // namespace vq::http
