// SHA-1 and UUIDv5 (stix_uuid.hpp).
#include "stix_uuid.hpp"

#include <cstring>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, int n) noexcept { return (x << n) | (x >> (32 - n)); }

struct Sha1 {
  std::uint32_t h[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
  std::uint8_t block[64] = {};
  std::size_t used = 0;   // bytes in block
  std::uint64_t bits = 0; // message length so far

  void compress() noexcept {
    std::uint32_t w[80];
    for (int i = 0; i < 16; ++i)
      w[i] = std::uint32_t(block[4 * i]) << 24 | std::uint32_t(block[4 * i + 1]) << 16 |
             std::uint32_t(block[4 * i + 2]) << 8 | std::uint32_t(block[4 * i + 3]);
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      std::uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999u;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1u;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDCu;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6u;
      }
      const std::uint32_t t = rotl(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
  }

  void update(const std::uint8_t *p, std::size_t n) noexcept {
    bits += std::uint64_t(n) * 8;
    while (n > 0) {
      const std::size_t take = std::min(n, sizeof block - used);
      std::memcpy(block + used, p, take);
      used += take;
      p += take;
      n -= take;
      if (used == sizeof block) {
        compress();
        used = 0;
      }
    }
  }

  Sha1Digest finish() noexcept {
    const std::uint64_t length = bits;
    const std::uint8_t one = 0x80, zero = 0;
    update(&one, 1);
    while (used != 56) update(&zero, 1);
    std::uint8_t len[8];
    for (int i = 0; i < 8; ++i) len[i] = std::uint8_t(length >> (56 - 8 * i));
    update(len, 8);
    Sha1Digest out{};
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 4; ++j) out[4 * i + j] = std::uint8_t(h[i] >> (24 - 8 * j));
    return out;
  }
};

} // namespace

Sha1Digest sha1(std::string_view data) noexcept {
  Sha1 s;
  s.update(reinterpret_cast<const std::uint8_t *>(data.data()), data.size());
  return s.finish();
}

std::string to_hex(const std::uint8_t *data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::string uuid5(const UuidBytes &ns, std::string_view name) {
  Sha1 s;
  s.update(ns.data(), ns.size());
  s.update(reinterpret_cast<const std::uint8_t *>(name.data()), name.size());
  const Sha1Digest d = s.finish();
  UuidBytes u{};
  std::memcpy(u.data(), d.data(), u.size());
  u[6] = std::uint8_t((u[6] & 0x0F) | 0x50); // version 5
  u[8] = std::uint8_t((u[8] & 0x3F) | 0x80); // RFC 4122 variant
  const std::string hex = to_hex(u.data(), u.size());
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' + hex.substr(16, 4) + '-' +
         hex.substr(20);
}

} // namespace detail
PM_END_NAMESPACE
