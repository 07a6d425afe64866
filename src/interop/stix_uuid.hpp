// SHA-1 (FIPS 180-4) and RFC 4122 name-based UUIDs (version 5), for the STIX export's
// deterministic ids. Internal: not part of the public API. SHA-1 is what RFC 4122 prescribes
// for version 5; it is used for naming, never for security.
#ifndef POSTMORTEM_SRC_INTEROP_STIX_UUID_HPP
#define POSTMORTEM_SRC_INTEROP_STIX_UUID_HPP

#include <postmortem/detail/enum.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

PM_BEGIN_NAMESPACE
namespace detail {

using Sha1Digest = std::array<std::uint8_t, 20>;
using UuidBytes = std::array<std::uint8_t, 16>;

/// The SHA-1 digest of `data`.
Sha1Digest sha1(std::string_view data) noexcept;

/// Lower-case hex of a byte range ("a9993e36...").
std::string to_hex(const std::uint8_t *data, std::size_t size);

/// RFC 4122 §4.3 version-5 UUID of `name` in `ns`, as "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx".
std::string uuid5(const UuidBytes &ns, std::string_view name);

/// RFC 4122 Appendix C name space for DNS names (6ba7b810-9dad-11d1-80b4-00c04fd430c8).
inline constexpr UuidBytes uuid_namespace_dns = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                                 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

/// The STIX export's own name space: uuid5(NAMESPACE_URL, "urn:libpostmortem:stix-2.1") =
/// e4683f97-4ef8-551b-a39d-1642a9867cc9 (docs/interop.md).
inline constexpr UuidBytes stix_namespace = {0xe4, 0x68, 0x3f, 0x97, 0x4e, 0xf8, 0x55, 0x1b,
                                             0xa3, 0x9d, 0x16, 0x42, 0xa9, 0x86, 0x7c, 0xc9};

} // namespace detail
PM_END_NAMESPACE

#endif
