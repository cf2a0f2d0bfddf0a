#pragma once
// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), for the keyed pseudonyms of exported lists
// (DESIGN.md, "Rules of the house": HMAC with a key the ward keeps).
//
// Why hand-written rather than OpenSSL/libsodium: commdx is a header-only CMake package whose only
// dependency is nlohmann_json; linking libcrypto into every consumer (and the find_package
// config) for one 80-line function is a worse trade than a small implementation that is checked
// against every RFC 4231 test vector and the FIPS 180-4 examples (tests/cpp/test_hmac.cpp) and
// against Python's hmac/hashlib on thousands of random ids (tests/python/test_keys.py). Only the
// one-shot digest is needed; speed is ~10^6 ids/s, far above any ward's household count.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace commdx::detail {

using sha256_digest = std::array<std::uint8_t, 32>;

/// Incremental SHA-256: update() any number of times, then finish() once.
class sha256 {
 public:
  void update(std::string_view data) {
    for (char c : data) {
      block_[fill_++] = static_cast<std::uint8_t>(c);
      if (fill_ == 64) {
        compress();
        fill_ = 0;
      }
    }
    length_ += data.size();
  }

  sha256_digest finish() {
    const std::uint64_t bits = static_cast<std::uint64_t>(length_) * 8u;
    block_[fill_++] = 0x80;
    if (fill_ > 56) {
      while (fill_ < 64) block_[fill_++] = 0;
      compress();
      fill_ = 0;
    }
    while (fill_ < 56) block_[fill_++] = 0;
    for (int i = 7; i >= 0; --i) block_[fill_++] = static_cast<std::uint8_t>(bits >> (8 * i));
    compress();
    sha256_digest out{};
    for (std::size_t i = 0; i < 8; ++i)
      for (std::size_t j = 0; j < 4; ++j) out[4 * i + j] = static_cast<std::uint8_t>(h_[i] >> (24 - 8 * j));
    return out;
  }

 private:
  static std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

  void compress() {
    static constexpr std::uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    std::uint32_t w[64];
    for (std::size_t i = 0; i < 16; ++i)
      w[i] = std::uint32_t{block_[4 * i]} << 24 | std::uint32_t{block_[4 * i + 1]} << 16 |
             std::uint32_t{block_[4 * i + 2]} << 8 | std::uint32_t{block_[4 * i + 3]};
    for (std::size_t i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6], h = h_[7];
    for (std::size_t i = 0; i < 64; ++i) {
      const std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h_[0] += a; h_[1] += b; h_[2] += c; h_[3] += d; h_[4] += e; h_[5] += f; h_[6] += g; h_[7] += h;
  }

  std::uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::uint8_t block_[64] = {};
  std::size_t fill_ = 0;
  std::size_t length_ = 0;
};

inline sha256_digest sha256_of(std::string_view data) {
  sha256 s;
  s.update(data);
  return s.finish();
}

/// HMAC-SHA-256 (RFC 2104): H((K' ^ opad) || H((K' ^ ipad) || msg)), K' the key padded to the
/// 64-byte block (hashed first when longer than a block).
inline sha256_digest hmac_sha256(std::string_view key, std::string_view msg) {
  std::array<char, 64> k{};
  if (key.size() > 64) {
    const sha256_digest d = sha256_of(key);
    for (std::size_t i = 0; i < d.size(); ++i) k[i] = static_cast<char>(d[i]);
  } else {
    for (std::size_t i = 0; i < key.size(); ++i) k[i] = key[i];
  }
  std::array<char, 64> ipad{}, opad{};
  for (std::size_t i = 0; i < 64; ++i) {
    ipad[i] = static_cast<char>(static_cast<unsigned char>(k[i]) ^ 0x36u);
    opad[i] = static_cast<char>(static_cast<unsigned char>(k[i]) ^ 0x5cu);
  }
  sha256 inner;
  inner.update({ipad.data(), ipad.size()});
  inner.update(msg);
  const sha256_digest ih = inner.finish();
  sha256 outer;
  outer.update({opad.data(), opad.size()});
  outer.update({reinterpret_cast<const char*>(ih.data()), ih.size()});
  return outer.finish();
}

/// Lower-case hex of the first `bytes` bytes of a digest (all 32 by default).
inline std::string digest_hex(const sha256_digest& d, std::size_t bytes = 32) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes);
  for (std::size_t i = 0; i < bytes && i < d.size(); ++i) {
    out.push_back(digits[d[i] >> 4]);
    out.push_back(digits[d[i] & 0x0f]);
  }
  return out;
}

}  // namespace commdx::detail
