/**
 * @file postmortem/knowledge.hpp
 * @brief Reference knowledge: MITRE ATT&CK Enterprise techniques and tactics, and the CISA
 * Known Exploited Vulnerabilities (KEV) catalog.
 *
 * The library is built with the tables of `data/` (ATT&CK Enterprise v18.1, KEV catalog
 * 2025.08.25; provenance and licences in data/README.md), compiled in: builtin_knowledge().
 * Newer upstream files are read without a rebuild by the loaders below, or by naming them in
 * the policy (`"knowledge": {"attack": "enterprise-attack.json", "kev": "known_exploited_vulnerabilities.json"}`,
 * docs/knowledge.md); validation (PM111, PM112, PM114, PM115) and scoring then use them.
 *
 * ATT&CK® is a registered trademark of The MITRE Corporation. © 2025 The MITRE Corporation.
 * This work is reproduced and distributed with the permission of The MITRE Corporation.
 *
 * Thread-safety: a Knowledge is immutable once loaded; concurrent reads are safe. The
 * loaders modify it and must not run concurrently with readers of the same object.
 */
#ifndef POSTMORTEM_KNOWLEDGE_HPP
#define POSTMORTEM_KNOWLEDGE_HPP

#include <postmortem/error.hpp>

#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE

struct Policy;

/// An ATT&CK technique or sub-technique (an `attack-pattern` object).
struct Technique {
  std::string_view id;      ///< "T1566" or "T1566.001"
  std::string_view name;    ///< "Spearphishing Attachment"
  bool is_sub = false;      ///< a sub-technique (`x_mitre_is_subtechnique`)
  bool revoked = false;     ///< `revoked`: replaced by another object (see revoked_by)
  bool deprecated = false;  ///< `x_mitre_deprecated`: no longer maintained, no replacement
  std::string_view tactics; ///< tactic short names joined with ',' ("persistence,privilege-escalation")
  std::string_view revoked_by; ///< id of the replacement of a revoked technique when known, else empty

  /// Whether `shortname` is one of the technique's tactics.
  bool has_tactic(std::string_view shortname) const noexcept;
};

/// An ATT&CK tactic (an `x-mitre-tactic` object).
struct Tactic {
  std::string_view id;        ///< "TA0001"
  std::string_view shortname; ///< "initial-access", the value of `timeline[].tactic`
  std::string_view name;      ///< "Initial Access"
};

/// One entry of the CISA KEV catalog (the fields the library keeps).
struct KevEntry {
  std::string_view cve_id;              ///< `cveID`, "CVE-2024-3400"
  std::string_view vendor_project;      ///< `vendorProject`
  std::string_view product;             ///< `product`
  std::string_view vulnerability_name;  ///< `vulnerabilityName`
  std::string_view date_added;          ///< `dateAdded`, YYYY-MM-DD
  std::string_view due_date;            ///< `dueDate`, YYYY-MM-DD (may precede date_added)
  std::string_view known_ransomware;    ///< `knownRansomwareCampaignUse`: "Known", "Unknown" or ""
};

/**
 * @brief The ATT&CK and KEV tables one analysis uses.
 *
 * A default-constructed Knowledge is a copy of the built-in tables. Copies are cheap to make
 * and share their (immutable) text. Lookups are binary searches: O(log n).
 */
class Knowledge {
public:
  /// The built-in tables (as builtin_knowledge()).
  Knowledge();

  /// Techniques sorted by id (byte order: T1001 < T1001.001 < T1003).
  std::span<const Technique> techniques() const noexcept { return techniques_; }
  /// Tactics in matrix order (reconnaissance … impact).
  std::span<const Tactic> tactics() const noexcept { return tactics_; }
  /// KEV entries sorted by CVE id.
  std::span<const KevEntry> kev() const noexcept { return kev_; }

  /// The technique with this id ("T1566.001"), revoked and deprecated ones included; nullptr if none.
  const Technique *find_technique(std::string_view id) const noexcept;
  /// The tactic with this short name ("initial-access"); nullptr if none.
  const Tactic *find_tactic(std::string_view shortname) const noexcept;
  /// The tactic with this id ("TA0001"); nullptr if none.
  const Tactic *find_tactic_id(std::string_view id) const noexcept;
  /// The KEV entry of this CVE id (compared case-insensitively); nullptr if not listed.
  const KevEntry *find_kev(std::string_view cve) const noexcept;

  /// Where the ATT&CK tables come from ("ATT&CK Enterprise v18.1", or the file loaded).
  const std::string &attack_source() const noexcept { return attack_source_; }
  /// Where the KEV table comes from (the catalog's `catalogVersion`).
  const std::string &kev_source() const noexcept { return kev_source_; }

  /**
   * @brief Replaces the technique and tactic tables with those of an ATT&CK STIX 2.x bundle
   * (upstream `enterprise-attack.json`, or any bundle of the same objects).
   *
   * Reads `attack-pattern` objects (the `external_references` entry with `source_name`
   * "mitre-attack" gives the id; `name`, `x_mitre_is_subtechnique`, `revoked`,
   * `x_mitre_deprecated`, `kill_chain_phases` of kill chain "mitre-attack"), `x-mitre-tactic`
   * objects (`x_mitre_shortname`), the `x-mitre-matrix` `tactic_refs` (tactic order) and
   * `relationship` objects of type `revoked-by` (a revoked technique's replacement).
   * @throws error errc::format when the text is not JSON, not a bundle, or holds no technique.
   */
  void load_attack_stix(std::string_view json);

  /**
   * @brief Replaces the technique and tactic tables with the TSV form shipped in data/attack
   * (header lines `id name is_sub revoked deprecated tactics` and `id shortname name`).
   * @throws error errc::format naming the line that does not match.
   */
  void load_attack_tsv(std::string_view techniques_tsv, std::string_view tactics_tsv);

  /**
   * @brief Replaces the KEV table with a CISA KEV feed (`known_exploited_vulnerabilities.json`).
   * @throws error errc::format when the text is not JSON, has no `vulnerabilities` array, or
   *   an entry has no `cveID`.
   */
  void load_kev_json(std::string_view json);

private:
  using Storage = std::deque<std::string>; // the text a loader copied; never moves once stored

  std::vector<Technique> techniques_;
  std::vector<Tactic> tactics_;
  std::vector<KevEntry> kev_;
  std::string attack_source_, kev_source_;
  std::vector<std::shared_ptr<const Storage>> storage_; // one per load; shared by copies
};

/// The tables compiled into the library (data/). Never fails; thread-safe.
const Knowledge &builtin_knowledge() noexcept;

/// The tables `policy` names (its `knowledge` member), or the built-in ones.
const Knowledge &knowledge_of(const Policy &policy) noexcept;

/// The name of technique `id` ("T1566.001" → "Spearphishing Attachment"), or "" when unknown.
std::string_view technique_name(std::string_view id, const Knowledge &knowledge = builtin_knowledge()) noexcept;

/// The name of a tactic given by short name ("initial-access" → "Initial Access"), or "".
std::string_view tactic_name(std::string_view shortname, const Knowledge &knowledge = builtin_knowledge()) noexcept;

/// Whether `id` has the form of a technique id: T + 4 digits, optionally '.' + 3 digits.
bool is_technique_id(std::string_view id) noexcept;

PM_END_NAMESPACE

#endif
