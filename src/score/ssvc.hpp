// The compiled-in SSVC decision table (internal); see ssvc.cpp for its provenance.
#ifndef POSTMORTEM_SRC_SCORE_SSVC_HPP
#define POSTMORTEM_SRC_SCORE_SSVC_HPP

#include <postmortem/detail/enum.hpp>

#include <span>
#include <string_view>

PM_BEGIN_NAMESPACE
namespace detail {

/// The CISA coordinator table 2.0.3 as compiled in: the CSV text, byte-identical to upstream.
std::string_view ssvc_csv() noexcept;

/// The outcome for (exploitation, automatable, technical impact, mission and well-being
/// impact), spelled as in the table. @throws error errc::invalid_argument for a value the
/// table does not list.
std::string_view ssvc_lookup(std::span<const std::string_view, 4> points);

} // namespace detail
PM_END_NAMESPACE

#endif
