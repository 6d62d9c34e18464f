// Ed25519 signature verification (RFC 8032 §5.1.7, pure Ed25519: no context, no prehash) for native 64-bit builds,
// faster than OpenSSL's own by preparing each public key once: the key is decoded, negated and expanded into tables
// of its odd multiples (and of 2^127 times it) when it is parsed, so a verification only runs one interleaved wNAF
// chain of about 127 doublings for [s]B + [k](-A), then encodes the result and compares it with R.
//
// The accept/reject rules are OpenSSL 3.0's (ossl_ed25519_verify and ge_frombytes_vartime in crypto/ec/curve25519.c),
// which differ from a strict reading of RFC 8032 in two places: a public key whose y is >= p is accepted (y is used
// mod p), and so is x = 0 with the sign bit set. edgepg's verdicts must equal jose's, which runs OpenSSL; the rules
// are listed at verify() in ed25519.cpp.
//
// Verification handles only public data (key, message, signature), so this code is deliberately VARIABLE-TIME.
// Do not reuse its arithmetic for anything secret (signing, key generation, X25519).
//
// Two field layouts behind one interface (ed25519_field.hpp): 5 x 51-bit limbs with 128-bit products where those are
// native (EDGEPG_ED25519_LIMB64, 64-bit hosts), 10 x 25.5-bit limbs with 64-bit products elsewhere (wasm32, whose
// OpenSSL is built without its Ed25519 code). The CMake option EDGEPG_FAST_ED25519 (on) builds it.
//
// Thread safety: a PreparedKey is immutable once prepare() returns, so one may be shared between threads. The tables
// of the base point's multiples are built on first use inside a function-local static, which C++ initialises exactly
// once even under concurrent first calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace edgepg::crypto::ed25519 {

// A decoded public key with its tables (about 7.7 KB with 64-bit limbs, 15 KB with 32-bit ones); in ed25519.cpp.
class PreparedKey;

// nullptr when the 32-byte public key does not decode under OpenSSL's rules (ge_frombytes_vartime): no x with
// x^2 = (y^2 - 1) / (d y^2 + 1) for y = the low 255 bits mod p. May throw std::bad_alloc only.
std::shared_ptr<const PreparedKey> prepare(const std::uint8_t public_key[32]);

// RFC 8032 Ed25519 (pure, no context) verification with OpenSSL 3.0's exact accept/reject rules.
bool verify(const PreparedKey& key, const std::uint8_t* message, std::size_t message_len,
            const std::uint8_t signature[64]) noexcept;

}  // namespace edgepg::crypto::ed25519
