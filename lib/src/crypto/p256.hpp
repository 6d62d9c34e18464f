// ECDSA P-256 (secp256r1) signature verification in C++20: no OpenSSL, no assembly. Each public key is prepared
// once (prepare(): tables of the affine odd multiples of Q and of 2^128*Q, one batched inversion), so a verification
// splits u1 and u2 at bit 128 and runs one interleaved wNAF chain (Shamir/Straus) of about 128 doublings over the
// four half-scalars, with mixed additions of table points (static tables for G and 2^128*G).
//
// Two field layouts behind one interface: with EDGEPG_P256_LIMB64 (native builds, where `unsigned __int128` is
// native; the CMake option EDGEPG_FAST_P256) 4 x 64-bit limbs in Montgomery form; otherwise (wasm32) 8 x 32-bit
// limbs with 64-bit products and the NIST/Solinas reduction.
//
// Verification handles only public data (key, digest, signature), so this code is deliberately VARIABLE-TIME.
// Do not reuse its arithmetic for anything secret (signing, key generation, ECDH).
//
// Thread safety: every function is reentrant, and a PreparedKey is immutable once prepare() returns, so one may be
// shared between threads. The tables of G's multiples (512 affine points, 32 KiB) are built on first use inside a
// function-local static, which C++ initialises exactly once even under concurrent first calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace edgepg::crypto::p256 {

// True when (x, y), 32-byte big-endian affine coordinates each, is a point on P-256 with x, y < p (not infinity).
bool on_curve(const std::uint8_t x[32], const std::uint8_t y[32]) noexcept;

// ECDSA verification (SEC 1 v2 §4.1.4 / FIPS 186-4) of r||s (32 bytes each, big-endian) over a 32-byte digest e
// (SHA-256 output, used as the integer e directly since its bit length equals n's) with public key (x, y).
// False when r or s is 0 or >= n, when the key is not on the curve, when u1*G + u2*Q is infinity, or when
// x(R) mod n != r.
// The same check without a prepared key: it builds the key's tables on the stack first (about as costly as the
// verification itself), so callers that verify more than once per key should prepare() it.
bool verify(const std::uint8_t x[32], const std::uint8_t y[32], const std::uint8_t digest[32], const std::uint8_t r[32],
            const std::uint8_t s[32]) noexcept;

// A public key on the curve with its tables (64 affine points, 4 KiB); defined in p256.cpp.
class PreparedKey;

// nullptr when (x, y) is not on the curve (on_curve() false). May throw std::bad_alloc only.
std::shared_ptr<const PreparedKey> prepare(const std::uint8_t x[32], const std::uint8_t y[32]);

// verify() above with a prepared key: the same verdicts.
bool verify(const PreparedKey& key, const std::uint8_t digest[32], const std::uint8_t r[32],
            const std::uint8_t s[32]) noexcept;

}  // namespace edgepg::crypto::p256
