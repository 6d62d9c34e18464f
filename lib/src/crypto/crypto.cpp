#include "crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <atomic>

#include "util/hex.hpp"

namespace edgepg::crypto {
namespace {
std::atomic<std::uint64_t> g_pbkdf2_count{0};
}

Digest256 sha256(ByteView data) noexcept {
  Digest256 out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

Digest512 sha512(ByteView data) noexcept { return sha512({data}); }

Digest512 sha512(std::initializer_list<ByteView> parts) noexcept {
  // Fetched once: an implicit fetch by EVP_sha512() at every EVP_DigestInit_ex costs a locked lookup each time.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  Digest512 out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || md == nullptr) {
    EVP_MD_CTX_free(ctx);
    return out;
  }
  bool ok = EVP_DigestInit_ex(ctx, md, nullptr) == 1;
  for (const ByteView& part : parts) ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size()) == 1;
  unsigned int len = 0;
  if (ok) EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  return out;
}

Digest256 hmac_sha256(ByteView key, ByteView data) noexcept {
  Digest256 out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
  return out;
}

bool pbkdf2_sha256(std::string_view password, ByteView salt, std::uint32_t iterations, Digest256& out) noexcept {
  g_pbkdf2_count.fetch_add(1, std::memory_order_relaxed);
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                           static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                           static_cast<int>(out.size()), out.data()) == 1;
}

std::string md5_hex(ByteView data) {
  unsigned char md[16];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr);
  return util::hex_lower(std::span<const std::uint8_t>(md, 16));
}

bool equal_constant_time(ByteView a, ByteView b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void cleanse(void* p, std::size_t n) noexcept { OPENSSL_cleanse(p, n); }

bool random_bytes(std::span<std::uint8_t> out) noexcept {
  return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

void load_no_config_file() noexcept { (void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr); }

std::uint64_t pbkdf2_count() noexcept { return g_pbkdf2_count.load(std::memory_order_relaxed); }

}  // namespace edgepg::crypto
