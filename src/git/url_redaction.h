#pragma once
// Remote URLs may carry credentials (https://user:token@host/...); whatever is logged or
// shown to a client goes through this first.

#include <string>

namespace vq::git {

// "https://user:token@host/x" -> "https://host/x"; anything else unchanged.
std::string urlWithoutCredentials(const std::string& url);

}  // namespace vq::git
