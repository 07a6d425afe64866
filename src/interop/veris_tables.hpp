// The VERIS <-> postmortem/1 mapping tables (docs/interop.md documents each one, both
// directions and what is lossy). Shared by veris_import.cpp and veris_export.cpp.
#ifndef POSTMORTEM_SRC_INTEROP_VERIS_TABLES_HPP
#define POSTMORTEM_SRC_INTEROP_VERIS_TABLES_HPP

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>

#include <boost/json/object.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

PM_BEGIN_NAMESPACE
namespace detail::veris {

/// One row of the VERIS -> ATT&CK table generated from data/veris by cmake/gen_veris_attack.py:
/// `key` is the lower-cased VERIS path `action.hacking.variety.brute force`.
struct AttackRow {
  std::string_view key;
  std::string_view technique;
};

/// Sorted by key, then technique (byte order).
std::span<const AttackRow> attack_rows() noexcept;

/// The schema version export writes.
inline constexpr std::string_view export_schema_version = "1.4.1";

// -- security_incident <-> Determination (a bijection) ------------------------------------
struct DeterminationRow {
  std::string_view veris;
  Determination value;
};
inline constexpr std::array determination_table = {
    DeterminationRow{"Confirmed", Determination::confirmed},
    DeterminationRow{"Suspected", Determination::suspected},
    DeterminationRow{"Near miss", Determination::near_miss},
    DeterminationRow{"False positive", Determination::false_positive},
};

// -- impact.overall_rating <-> ImpactRating ("Unknown": no rating) -------------------------
struct RatingRow {
  std::string_view veris;
  ImpactRating value;
};
inline constexpr std::array rating_table = {
    RatingRow{"Insignificant", ImpactRating::insignificant}, RatingRow{"Distracting", ImpactRating::distracting},
    RatingRow{"Painful", ImpactRating::painful},             RatingRow{"Damaging", ImpactRating::damaging},
    RatingRow{"Catastrophic", ImpactRating::catastrophic},
};

// -- timeline units -> seconds and precision -----------------------------------------------
struct UnitRow {
  std::string_view veris;
  std::int64_t seconds; ///< 0: not a duration (Never, NA, Unknown)
  Precision precision;
};
inline constexpr std::array unit_table = {
    UnitRow{"Seconds", 1, Precision::second},         UnitRow{"Minutes", 60, Precision::minute},
    UnitRow{"Hours", 3600, Precision::hour},          UnitRow{"Days", 86400, Precision::day},
    UnitRow{"Weeks", 7 * 86400, Precision::day},      UnitRow{"Months", 30 * 86400, Precision::day},
    UnitRow{"Years", 365 * 86400, Precision::day},    UnitRow{"Never", 0, Precision::day},
    UnitRow{"NA", 0, Precision::day},                 UnitRow{"Unknown", 0, Precision::day},
};

// -- motive (actor.*.motive[]) <-> Motive ----------------------------------------------------
struct MotiveRow {
  std::string_view veris;
  Motive value;
  bool exported; ///< the row export uses for `value`
};
inline constexpr std::array motive_table = {
    MotiveRow{"Financial", Motive::financial, true},   MotiveRow{"Espionage", Motive::espionage, true},
    MotiveRow{"Ideology", Motive::ideology, true},     MotiveRow{"Grudge", Motive::grudge, true},
    MotiveRow{"Fun", Motive::fun, true},               MotiveRow{"Convenience", Motive::convenience, true},
    MotiveRow{"Fear", Motive::fear, true},             MotiveRow{"Other", Motive::other, true},
    MotiveRow{"Secondary", Motive::other, false},      MotiveRow{"Unknown", Motive::unknown, true},
    MotiveRow{"NA", Motive::unknown, false},
};

// -- attribute.confidentiality.data[].variety <-> DataType -------------------------------------
struct DataRow {
  std::string_view veris;
  DataType value;
  bool exported;
};
inline constexpr std::array data_table = {
    DataRow{"Personal", DataType::pii, true},
    DataRow{"Sensitive Personal", DataType::pii, false},
    DataRow{"Medical", DataType::phi, true},
    DataRow{"Payment", DataType::payment_card, true},
    DataRow{"Credentials", DataType::credentials, true},
    DataRow{"Multi-factor credential", DataType::credentials, false},
    DataRow{"API key", DataType::credentials, false},
    DataRow{"Session key", DataType::credentials, false},
    DataRow{"Digital certificate", DataType::credentials, false},
    DataRow{"Secrets", DataType::intellectual_property, true},
    DataRow{"Source code", DataType::intellectual_property, false},
    DataRow{"Copyrighted", DataType::intellectual_property, false},
    DataRow{"Bank", DataType::financial, true},
    DataRow{"Virtual currency", DataType::financial, false},
    DataRow{"Internal", DataType::operational, true},
    DataRow{"System", DataType::operational, false},
    DataRow{"Classified", DataType::other, false},
    DataRow{"Other", DataType::other, true},
    DataRow{"Unknown", DataType::other, false},
};

// -- asset.assets[].variety <-> AssetType --------------------------------------------------
// Exact varieties first; then the prefix rows ("S - " ...) for every other variety.
struct AssetRow {
  std::string_view veris;
  AssetType value;
  bool exported;
};
inline constexpr std::array asset_table = {
    AssetRow{"S - Web application", AssetType::application, true},
    AssetRow{"S - LLM application", AssetType::application, false},
    AssetRow{"S - Database", AssetType::database, true},
    AssetRow{"S - Authentication", AssetType::identity, true},
    AssetRow{"S - Directory", AssetType::identity, false},
    AssetRow{"U - Auth token", AssetType::identity, false},
    AssetRow{"S - ICS", AssetType::ot_device, true},
    AssetRow{"S - DCS", AssetType::ot_device, false},
    AssetRow{"N - PLC", AssetType::ot_device, false},
    AssetRow{"N - RTU", AssetType::ot_device, false},
    AssetRow{"U - Desktop or laptop", AssetType::workstation, true},
    AssetRow{"U - Desktop", AssetType::workstation, false},
    AssetRow{"U - Laptop", AssetType::workstation, false},
    AssetRow{"U - Mobile phone", AssetType::mobile_device, true},
    AssetRow{"U - Tablet", AssetType::mobile_device, false},
    AssetRow{"S - Other", AssetType::server, true},
    AssetRow{"N - Other", AssetType::network_device, true},
    AssetRow{"Other", AssetType::other, true},
    // prefixes
    AssetRow{"S - ", AssetType::server, false},
    AssetRow{"N - ", AssetType::network_device, false},
    AssetRow{"E - ", AssetType::ot_device, false},
    AssetRow{"U - ", AssetType::other, false},
    AssetRow{"M - ", AssetType::other, false},
    AssetRow{"P - ", AssetType::other, false},
    AssetRow{"T - ", AssetType::other, false},
};
/// With `asset.cloud` exactly ["External Cloud Asset(s)"], these varieties read as cloud types
/// (and export writes that cloud value when every asset is cloud_resource, saas or identity).
inline constexpr std::string_view cloud_external = "External Cloud Asset(s)";
inline constexpr std::string_view cloud_resource_variety = "S - Other";  // -> cloud_resource
inline constexpr std::string_view saas_variety = "S - Web application"; // -> saas

// -- cost_corrective_action <-> actions[].effort ---------------------------------------------
struct CostRow {
  std::string_view veris;
  std::int64_t effort;     ///< what import sets
  std::int64_t max_effort; ///< export: the highest effort of the actions is <= this
};
inline constexpr std::array cost_table = {
    CostRow{"Simple and cheap", 1, 2},
    CostRow{"Something in-between", 3, 3},
    CostRow{"Difficult and expensive", 5, 5},
};

// -- Category -> VERIS action (export); import_category() is the other direction -------------
struct CategoryAction {
  Category category;
  std::string_view action;  ///< action.<this>
  std::string_view variety; ///< one variety
  std::string_view vector;  ///< one vector ("" for none)
  std::string_view result;  ///< one result ("" for none)
};
inline constexpr std::array category_table = {
    CategoryAction{Category::network_breach, "hacking", "Unknown", "Unknown", ""},
    CategoryAction{Category::phishing, "social", "Phishing", "Email", ""},
    CategoryAction{Category::malware, "malware", "Unknown", "Unknown", ""},
    CategoryAction{Category::ransomware, "malware", "Ransomware", "Unknown", ""},
    CategoryAction{Category::data_exfiltration, "hacking", "Unknown", "Unknown", "Exfiltrate"},
    CategoryAction{Category::credential_compromise, "hacking", "Use of stolen creds", "Unknown", ""},
    CategoryAction{Category::denial_of_service, "hacking", "DoS", "Unknown", ""},
    CategoryAction{Category::insider_threat, "misuse", "Unknown", "Unknown", ""},
    CategoryAction{Category::misconfiguration, "error", "Misconfiguration", "Unknown", ""},
    CategoryAction{Category::web_application_attack, "hacking", "Unknown", "Web application", ""},
    CategoryAction{Category::supply_chain, "hacking", "Unknown", "Partner", ""},
    CategoryAction{Category::lost_or_stolen_device, "physical", "Theft", "Unknown", ""},
    CategoryAction{Category::other, "unknown", "", "", ""},
};

/// The category a VERIS `action` object reads as (the ordered rules of docs/interop.md).
Category import_category(const boost::json::object &action) noexcept;

/**
 * @brief The mapping of import_veris() on an already parsed VERIS object, without the
 * checks that throw: every member that is missing or has the wrong type is skipped (and kept in
 * `x_veris`). export uses it to decide whether a kept member still says what the document says.
 */
Document read_veris(const boost::json::object &veris);

} // namespace detail::veris
PM_END_NAMESPACE

#endif
