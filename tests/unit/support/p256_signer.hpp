// Test support, never in the library: signatures and points made with lib/src/crypto/p256.cpp's own arithmetic
// (p256_field.hpp, p256_scalar.hpp, p256_point.hpp, compiled here under the library's EDGEPG_P256_* definitions), so
// the unit tests and the p256 fuzz target can drive every case of verify(); each result is also checked by OpenSSL.
// Variable-time like the rest: these MUST NOT be used with real secrets. The names stay in the module's namespace
// (detail::*_for_test) so the callers read as before.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgepg::crypto::p256::detail {

// Public key (x, y) = d*G for a private scalar d in [1, n-1]; false when d is 0 or >= n.
bool public_key_for_test(const std::uint8_t d[32], std::uint8_t x[32], std::uint8_t y[32]) noexcept;

// ECDSA signature with nonce k: R = k*G, r = x(R) mod n, s = k^-1 (e + r*d) mod n. False when d or k is 0 or >= n,
// or when r or s comes out 0 (the caller then picks another k).
bool sign_for_test(const std::uint8_t d[32], const std::uint8_t k[32], const std::uint8_t digest[32],
                   std::uint8_t r[32], std::uint8_t s[32]) noexcept;

// u1*G + u2*Q in affine coordinates through the same ladder verify() uses, so tests can drive its special cases
// (P + P, P + (-P)); (qx, qy) must be on the curve. False when u1 or u2 is >= n, or the result is infinity.
bool mul_add_for_test(const std::uint8_t u1[32], const std::uint8_t u2[32], const std::uint8_t qx[32],
                      const std::uint8_t qy[32], std::uint8_t x[32], std::uint8_t y[32]) noexcept;

// A key d and signature (r, s) over digest with nonce k whose u1 = e/s (first) or u2 = r/s (!first) equals u, so
// tests can pick the half-scalars verify() meets (0 halves, exactly 2^128, ...). False when k or u is 0 or >= n,
// when first and e = 0 mod n, or when d, r or s comes out 0.
bool sign_with_u_for_test(const std::uint8_t k[32], const std::uint8_t digest[32], const std::uint8_t u[32], bool first,
                          std::uint8_t d[32], std::uint8_t r[32], std::uint8_t s[32]) noexcept;

// sizeof(PreparedKey) (KeyTables, its only contents): what make_shared allocates per key besides its control block.
std::size_t prepared_key_size_for_test() noexcept;

// The field layout compiled here: 64 (EDGEPG_P256_LIMB64) or 32. CMake gives this file the library's EDGEPG_P256_*
// definitions (one list, EDGEPG_CRYPTO_DEFINITIONS), so it is the library's layout too.
int limb_bits_for_test() noexcept;

}  // namespace edgepg::crypto::p256::detail
