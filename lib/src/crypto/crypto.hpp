// The core's whole need of cryptography, behind one small interface. Only crypto/*.cpp include OpenSSL.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace edgepg::crypto {

using Digest256 = std::array<std::uint8_t, 32>;
using Digest512 = std::array<std::uint8_t, 64>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView bytes_of(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Digest256 sha256(ByteView data) noexcept;
Digest512 sha512(ByteView data) noexcept;
// SHA-512 of the concatenation of `parts`, without building it (Ed25519 hashes R || A || M).
Digest512 sha512(std::initializer_list<ByteView> parts) noexcept;
Digest256 hmac_sha256(ByteView key, ByteView data) noexcept;
// PBKDF2-HMAC-SHA-256 with a 32-byte output (SCRAM's Hi()). Returns false only if OpenSSL fails.
bool pbkdf2_sha256(std::string_view password, ByteView salt, std::uint32_t iterations, Digest256& out) noexcept;
// MD5 as 32 lowercase hex digits (PostgreSQL's md5 password exchange).
std::string md5_hex(ByteView data);
// Constant-time comparison of equal-length buffers; false when the lengths differ.
bool equal_constant_time(ByteView a, ByteView b) noexcept;
// Overwrites memory so a secret does not linger.
void cleanse(void* p, std::size_t n) noexcept;
// Cryptographically secure random bytes from OpenSSL's RAND (native use; JS passes randomness in). The wasm build's
// OpenSSL offers no random generator (scripts/build-openssl-wasm), so there this returns false.
bool random_bytes(std::span<std::uint8_t> out) noexcept;

// OpenSSL loads no configuration file (openssl.cnf) from now on: for the wasm module, which has no filesystem (an
// open() there does not fail cleanly). Call before anything else here; native builds keep OpenSSL's own behaviour.
void load_no_config_file() noexcept;

// How many PBKDF2 derivations this process has run (for tests that prove a cache skipped them).
std::uint64_t pbkdf2_count() noexcept;

}  // namespace edgepg::crypto
