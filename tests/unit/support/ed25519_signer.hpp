// Test support, never in the library: Ed25519 keys and signatures (RFC 8032 §5.1.5, §5.1.6) made with
// lib/src/crypto/ed25519.cpp's own arithmetic (ed25519_field.hpp, ed25519_scalar.hpp, ed25519_point.hpp, compiled
// here), so the unit tests and the ed25519 fuzz target can drive every case of verify(); each result is also checked
// by OpenSSL. Variable-time like the rest: these MUST NOT be used with real secrets. Native 64-bit only, like
// ed25519.cpp (EDGEPG_FAST_ED25519). The names stay in the module's namespace (detail::*_for_test) so the callers
// read as before.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgepg::crypto::ed25519::detail {

// RFC 8032 §5.1.5: the public key of a 32-byte private key (seed).
void public_key_for_test(const std::uint8_t seed[32], std::uint8_t public_key[32]) noexcept;

// RFC 8032 §5.1.6: the signature R || S of a message under a 32-byte private key (seed).
void sign_for_test(const std::uint8_t seed[32], const std::uint8_t* message, std::size_t message_len,
                   std::uint8_t signature[64]) noexcept;

// The encoding of [n mod L]B for any 32-byte little-endian n: lets tests build R values, or public keys with a
// known discrete logarithm.
void base_mul_for_test(const std::uint8_t n[32], std::uint8_t out[32]) noexcept;

// sizeof(PreparedKey) (KeyTables, its only contents): what make_shared allocates per key besides its control block.
std::size_t prepared_key_size_for_test() noexcept;

}  // namespace edgepg::crypto::ed25519::detail
