// The built-in knowledge tables (internal), defined in the generated knowledge_tables.cpp
// (cmake/gen_knowledge.py, from data/attack and data/kev).
#ifndef POSTMORTEM_SRC_KNOWLEDGE_BUILTIN_HPP
#define POSTMORTEM_SRC_KNOWLEDGE_BUILTIN_HPP

#include <postmortem/knowledge.hpp>

#include <span>
#include <string_view>

PM_BEGIN_NAMESPACE
namespace detail {

std::span<const Technique> builtin_techniques() noexcept; ///< sorted by id
std::span<const Tactic> builtin_tactics() noexcept;       ///< matrix order
std::span<const KevEntry> builtin_kev() noexcept;         ///< sorted by CVE id
std::string_view builtin_attack_source() noexcept;        ///< "ATT&CK Enterprise v18.1"
std::string_view builtin_kev_source() noexcept;           ///< the catalog's catalogVersion

} // namespace detail
PM_END_NAMESPACE

#endif
