// What the native keyless e2e tests share: the cloud services' stand-ins (tests/support/cloud-servers.js, started
// by tests/native/cloud-standins.mjs from scripts/test-native; EDGEPG_TEST_CLOUD_URL and EDGEPG_TEST_CLOUD_CONTROL)
// and their control server (behaviours, recorded requests, issued secrets, @aws-sdk/rds-signer), workload tokens,
// a clock the tests move, the environment the default chain reads, and `failure`: an error's code, with the proof
// that its text shows no token nor anything the services issued.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "edgepg/client.hpp"
#include "net/http_request.hpp"

namespace edgepg::e2e::keyless {

using json = nlohmann::json;

inline std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

inline const std::string cloud_url = env_or_empty("EDGEPG_TEST_CLOUD_URL");
inline const std::string control_url = env_or_empty("EDGEPG_TEST_CLOUD_CONTROL");

// JWT-shaped workload tokens (the stand-ins accept any JWT-shaped token unless told otherwise).
inline const std::string oidc_a = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZC1hIn0.c2lnbmF0dXJlLWEtMDEyMzQ1Njc4OQ";
inline const std::string oidc_b = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZC1iIn0.c2lnbmF0dXJlLWItOTg3NjU0MzIxMA";
inline const std::string role_arn = "arn:aws:iam::123456789012:role/edgepg-app";

inline json control(const std::string& path, const json& body = json::object()) {
  net::HttpOptions o;
  o.max_body = 4 << 20;
  const net::HttpResponse r =
      net::http_request("POST", control_url + path, {{"Content-Type", "application/json"}}, body.dump(), o);
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

inline void reset() { (void)control("/reset"); }

inline std::vector<json> requests_of(const std::string& service) {
  std::vector<json> out;
  for (const json& r : control("/requests")) {
    if (r["service"] == service) out.push_back(r);
  }
  return out;
}

inline bool has_cloud() {
  if (cloud_url.empty() || control_url.empty()) {
    MESSAGE("EDGEPG_TEST_CLOUD_URL/EDGEPG_TEST_CLOUD_CONTROL not set: scripts/test-native starts the stand-ins");
    return false;
  }
  reset();
  return true;
}

// A clock the test moves (ms since the epoch), starting at the real time.
struct TestClock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::function<std::int64_t()> fn() const {
    return [m = ms] { return m->load(); };
  }
};

inline CloudOptions fast(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  CloudOptions o;
  o.timeout = timeout;
  return o;
}

// The error's code; and the proof that its text holds no workload token nor anything the services issued.
inline std::string failure(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    const std::string shown = std::string(e.what());
    std::vector<std::string> secrets = {oidc_a, oidc_b, "container-auth-token"};
    for (const std::string& part : {oidc_a.substr(0, oidc_a.find('.')), oidc_a.substr(oidc_a.rfind('.') + 1)}) {
      secrets.push_back(part);
    }
    for (const json& i : control("/issued")) {
      for (const char* k : {"secretAccessKey", "sessionToken", "token"}) {
        if (i.contains(k) && i[k].is_string()) secrets.push_back(i[k]);
      }
    }
    for (const std::string& s : secrets) {
      if (s.size() > 8) CHECK_MESSAGE(shown.find(s) == std::string::npos, "the error shows a secret: " << shown);
    }
    MESSAGE(shown);
    return e.code();
  }
  return "none";
}

inline std::string temp_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("edgepg-keyless-" + std::to_string(::getpid()) + name);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path.string();
}

// setenv for one test case; the previous value (or its absence) comes back at the end.
struct ScopedEnv {
  std::vector<std::pair<std::string, std::optional<std::string>>> saved;
  void set(const std::string& name, const std::optional<std::string>& value) {
    const char* old = std::getenv(name.c_str());
    saved.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  // Every variable the default chain looks at, unset.
  ScopedEnv() {
    for (const char* n : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
                          "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_DISABLED",
                          "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
      set(n, std::nullopt);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
      if (it->second) {
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        ::unsetenv(it->first.c_str());
      }
    }
  }
};

inline void check_issued(const cloud::AwsCredentials& c, const json& issued) {
  CHECK(c.credentials.access_key_id == issued["accessKeyId"].get<std::string>());
  CHECK(c.credentials.secret_access_key == issued["secretAccessKey"].get<std::string>());
  CHECK(c.credentials.session_token == issued["sessionToken"].get<std::string>());
  CHECK(c.expiration == issued["expiration"].get<std::int64_t>() / 1000);
}

}  // namespace edgepg::e2e::keyless
