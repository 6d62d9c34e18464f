#include "edgepg/pg/auth_policy.hpp"

#include <string>

namespace edgepg::pg {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string AuthPolicy::describe() const {
  std::string out;
  const auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += ", ";
    out += name;
  };
  add(none, "none");
  add(password, "password");
  add(md5, "md5");
  add(scram, "scram-sha-256");
  return out.empty() ? "nothing" : out;
}

Status parse_require_auth(std::string_view text, AuthPolicy& out) {
  text = trim(text);
  if (text.empty()) {
    out = AuthPolicy::any();
    return {};
  }
  int negated = -1;  // unknown until the first method
  AuthPolicy listed{false, false, false, false};
  while (true) {
    const auto comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    const bool neg = !item.empty() && item.front() == '!';
    if (neg) item.remove_prefix(1);
    if (negated == -1) negated = neg ? 1 : 0;
    if (neg != (negated == 1)) {
      return Status(ErrorCode::invalid_argument,
                    "require_auth mixes negated and plain methods: write them all with '!' or all without");
    }
    if (item == "password") {
      listed.password = true;
    } else if (item == "md5") {
      listed.md5 = true;
    } else if (item == "scram-sha-256") {
      listed.scram = true;
    } else if (item == "none") {
      listed.none = true;
    } else if (item != "gss" && item != "sspi") {
      return Status(ErrorCode::invalid_argument,
                    "require_auth has an unknown method \"" + std::string(item) +
                        "\": use password, md5, scram-sha-256 or none (or '!' before each)");
    }
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  if (negated == 1) {
    out = {!listed.none, !listed.password, !listed.md5, !listed.scram};
  } else {
    out = listed;
  }
  return {};
}

Status parse_channel_binding(std::string_view text, ChannelBinding& out) {
  text = trim(text);
  if (text == "disable") {
    out = ChannelBinding::disable;
  } else if (text == "prefer" || text.empty()) {
    out = ChannelBinding::prefer;
  } else if (text == "require") {
    return Status(ErrorCode::invalid_argument,
                  "channel_binding=require: edgepg does not implement SCRAM-SHA-256-PLUS (and over a WebSocket the "
                  "TLS belongs to the proxy, not to PostgreSQL, so there is nothing to bind to); use "
                  "channel_binding=prefer with require_auth=scram-sha-256 and a verified TLS transport instead");
  } else {
    return Status(ErrorCode::invalid_argument,
                  "invalid channel_binding \"" + std::string(text) + "\": expected disable, prefer or require");
  }
  return {};
}

}  // namespace edgepg::pg
