// ECDSA P-256 (secp256r1) signature verification in portable C++20: no OpenSSL, no assembly, no 128-bit integers.
// Built for wasm32, where OpenSSL's generic bignum EC code is slow: field elements are 8 x 32-bit limbs with 64-bit
// products, and u1*G + u2*Q is one interleaved wNAF ladder (Shamir/Straus) using a static table of G's odd multiples.
//
// Verification handles only public data (key, digest, signature), so this code is deliberately VARIABLE-TIME.
// Do not reuse its arithmetic for anything secret (signing, key generation, ECDH).
//
// Thread safety: every function is reentrant. The table of G's multiples (64 affine points, 4 KiB) is built on
// first use inside a function-local static, which C++ initialises exactly once even under concurrent first calls.
#pragma once

#include <cstdint>

namespace edgepg::crypto::p256 {

// True when (x, y), 32-byte big-endian affine coordinates each, is a point on P-256 with x, y < p (not infinity).
bool on_curve(const std::uint8_t x[32], const std::uint8_t y[32]) noexcept;

// ECDSA verification (SEC 1 v2 §4.1.4 / FIPS 186-4) of r||s (32 bytes each, big-endian) over a 32-byte digest e
// (SHA-256 output, used as the integer e directly since its bit length equals n's) with public key (x, y).
// False when r or s is 0 or >= n, when the key is not on the curve, when u1*G + u2*Q is infinity, or when
// x(R) mod n != r.
bool verify(const std::uint8_t x[32], const std::uint8_t y[32], const std::uint8_t digest[32],
            const std::uint8_t r[32], const std::uint8_t s[32]) noexcept;

// Test-only helpers: they let the unit tests make valid signatures from this module's arithmetic (each one then
// checked by OpenSSL). They are variable-time like the rest and MUST NOT be used with real secrets.
namespace detail {

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

}  // namespace detail

}  // namespace edgepg::crypto::p256
