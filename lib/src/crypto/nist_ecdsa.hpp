// ECDSA verification on P-384 and P-521 (ES384, ES512) in C++20 without OpenSSL, for the wasm build, whose OpenSSL
// is built without its elliptic-curve code (issue #17: the bytes). One generic implementation for both curves:
// Montgomery arithmetic on 32-bit limbs (32x32->64-bit products, native in wasm32), Jacobian points with a = -3,
// and u1*G + u2*Q by interleaved width-w NAF over affine tables of odd multiples (G's built on first use, Q's when
// the key is prepared). P-256 has its own faster code (p256.hpp); Ed25519 too (ed25519.hpp).
//
// The accept/reject rules are SEC 1 v2 §4.1.4's, as OpenSSL's: a key must be on the curve with both coordinates
// below p (not the point at infinity); r and s must be in [1, n-1]; e is the leftmost bits of the digest, as many
// as n has; the signature holds when x(u1*G + u2*Q) mod n == r, and u1*G + u2*Q is not infinity.
//
// Verification handles only public data (key, digest, signature), so this code is deliberately VARIABLE-TIME.
// Do not reuse its arithmetic for anything secret (signing, key generation, ECDH).
//
// Thread safety: a PreparedKey is immutable once prepare() returns, so one may be shared between threads; G's tables
// are built inside a function-local static, which C++ initialises exactly once even under concurrent first calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace edgepg::crypto::nist {

enum class Curve { p384, p521 };

// Bytes of a coordinate and of r or s: 48 for P-384, 66 for P-521.
std::size_t field_bytes(Curve curve) noexcept;

// A public key on the curve with its tables; defined in nist_ecdsa.cpp.
class PreparedKey;

// nullptr when (x, y), field_bytes(curve) big-endian bytes each, is not a point on the curve with x, y < p.
// May throw std::bad_alloc only.
std::shared_ptr<const PreparedKey> prepare(Curve curve, const std::uint8_t* x, const std::uint8_t* y);

// ECDSA verification of r, s (field_bytes(key's curve) big-endian bytes each) over a digest of any length.
bool verify(const PreparedKey& key, const std::uint8_t* digest, std::size_t digest_len, const std::uint8_t* r,
            const std::uint8_t* s) noexcept;

}  // namespace edgepg::crypto::nist
