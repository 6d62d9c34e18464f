#include "sha1.hpp"

#include <openssl/evp.h>

namespace edgepg::crypto {

Digest160 sha1(ByteView data) noexcept {
  Digest160 out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr);
  return out;
}

}  // namespace edgepg::crypto
