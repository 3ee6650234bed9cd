#pragma once
// Maps request paths to handlers: exact paths ("/ipxe") and prefixes ("/files/"), the
// longest prefix winning. Modules add their endpoints here before the server starts;
// the table is read-only while serving, so lookups take no lock.

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace vq::http {

using Handler = std::function<Response(const Request&)>;

// Methods a route accepts; GET routes accept HEAD too (the server drops the body).
class Methods {
public:
    Methods(std::initializer_list<Method> methods) : list_(methods) {}
    static Methods getOnly() { return {Method::get, Method::head}; }
    bool allows(Method m) const;
    std::string allowHeader() const;

private:
    std::vector<Method> list_;
};

class Router {
public:
    // Registering the same path twice replaces the handler.
    void exact(std::string path, Handler handler, Methods methods = Methods::getOnly());
    // prefix ends with '/', e.g. "/files/"; the request's `rest` is what follows it.
    void prefix(std::string prefix, Handler handler, Methods methods = Methods::getOnly());
    // Runs before every matched handler (authentication): an answer replaces the handler's.
    void guard(std::function<std::optional<Response>(const Request&)> check);

    // Fills req.rest and runs the matching handler; 404/405 when none fits. A handler
    // that throws yields 500: bad input must never take the server down.
    Response dispatch(Request& req) const;

private:
    struct Route {
        Handler handler;
        Methods methods;
    };
    std::unordered_map<std::string, Route> exact_;
    std::vector<std::pair<std::string, Route>> prefixes_;  // longest first
    std::function<std::optional<Response>(const Request&)> guard_;
};

}  // namespace vq::http
