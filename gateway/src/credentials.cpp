#include "credentials.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace edgepg::gateway {

std::string read_password(const std::string& file, const std::string& env, std::string& why) {
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (v == nullptr || *v == '\0') why = "the environment variable " + env + " is not set";
    return v == nullptr ? std::string() : std::string(v);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    why = "cannot read the password file " + file;
    return {};
  }
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) why = "the password file " + file + " is empty";
  return text;
}

}  // namespace edgepg::gateway
