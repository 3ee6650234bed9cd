#pragma once
// What a push webhook says (GitHub's push event; Gitea and GitLab send the same fields):
// which ref moved, to which commit, in which repository. Bodies come from the network:
// parsing never throws, whatever the bytes.

#include <string>
#include <string_view>

#include "base/result.h"

namespace vq::git {

struct PushEvent {
    std::string ref;         // "refs/heads/main", "refs/tags/v1"
    std::string after;       // the commit the ref points to now (zeros when deleted)
    std::string repository;  // repository.full_name, else repository.name; may be empty
    bool deleted = false;

    // "main" for "refs/heads/main"; empty for tags and anything else.
    std::string branch() const;
};

// The JSON body (application/json), or a form body whose `payload` field holds the JSON
// (application/x-www-form-urlencoded, GitHub's default content type).
Result<PushEvent> parsePushEvent(std::string_view body, std::string_view content_type);

}  // namespace vq::git
