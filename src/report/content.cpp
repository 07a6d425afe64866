// What the report says (content.hpp): sections, tables and words, format-neutral.
//
// Every piece of document text goes into a Span as plain text; the writers escape it. Nothing
// here reads a clock or iterates an unordered container, so the content is a pure function of
// (document, analysis, policy).
#include "report/content.hpp"

#include <postmortem/knowledge.hpp>
#include <postmortem/timeline.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {
namespace {

// --- Small helpers ---------------------------------------------------------------------------

Span plain(std::string text) { return {std::move(text), Span::Style::plain}; }
Span strong(std::string text) { return {std::move(text), Span::Style::strong}; }
Span em(std::string text) { return {std::move(text), Span::Style::em}; }
Span code(std::string text) { return {std::move(text), Span::Style::code}; }

Cell cell(Spans spans, Tone tone = {}, bool numeric = false) { return {std::move(spans), std::move(tone), numeric}; }
Cell text_cell(const Text &text) { return text && !text->empty() ? cell({plain(*text)}) : Cell{}; }
Cell code_cell(const Text &text) { return text && !text->empty() ? cell({code(*text)}) : Cell{}; }

/// An enumerator's JSON name in words: "in_progress" -> "in progress".
template <class E> std::string words(E value) {
  std::string s(to_string(value));
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

/// "a, b and c".
std::string join_and(const std::vector<std::string> &parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

std::string join(const Strings &parts, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

/// Shortest round-trip spelling of a number ("48500", "2.5").
std::string number(double v) { return fmt::format("{}", v); }
std::string one_decimal(double v) { return fmt::format("{:.1f}", v); }

/// "6 d 11 h 48 min", "1 h 22 min 50 s", "0 s", "-30 min".
std::string human_duration(std::int64_t seconds) {
  if (seconds == 0) return "0 s";
  const std::uint64_t s = seconds < 0 ? 0 - static_cast<std::uint64_t>(seconds) : static_cast<std::uint64_t>(seconds);
  const std::uint64_t parts[] = {s / 86400, s / 3600 % 24, s / 60 % 60, s % 60};
  const char *units[] = {"d", "h", "min", "s"};
  std::string out;
  for (std::size_t i = 0; i < 4; ++i)
    if (parts[i] != 0) out += fmt::format("{}{} {}", out.empty() ? "" : " ", parts[i], units[i]);
  return seconds < 0 ? "-" + out : out;
}

/// "2024-01-17 10:05:00 UTC" (fractions kept as written, converted to UTC).
std::string utc_time(const Timestamp &t) {
  std::string s = t.to_utc_string(); // YYYY-MM-DDThh:mm:ss[.ffffff]Z
  if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s + " UTC";
}

std::string display_name(const Text &title, const Text &id, std::string_view fallback) {
  if (title && !title->empty()) return *title;
  if (id && !id->empty()) return *id;
  return std::string(fallback);
}

std::string action_id(const Document &doc, std::size_t index) {
  const Action &a = doc.actions[index];
  return a.id && !a.id->empty() ? *a.id : fmt::format("action {}", index + 1);
}

/// "act1, act3" for action indices.
std::string action_ids(const Document &doc, const std::vector<std::size_t> &indices, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (i) out += sep;
    out += action_id(doc, indices[i]);
  }
  return out;
}

Block paragraph(Spans spans) {
  Block b;
  b.kind = Block::Kind::paragraph;
  b.paragraph = std::move(spans);
  return b;
}

Block empty(std::string text) {
  Block b;
  b.kind = Block::Kind::empty;
  b.empty.text = std::move(text);
  return b;
}

Block chart(Chart c) {
  Block b;
  b.kind = Block::Kind::chart;
  b.chart = c;
  return b;
}

Block table(Table t) {
  Block b;
  b.kind = Block::Kind::table;
  b.table = std::move(t);
  return b;
}

Block list(List l) {
  Block b;
  b.kind = Block::Kind::list;
  b.list = std::move(l);
  return b;
}

Block facts(Facts f) {
  Block b;
  b.kind = Block::Kind::facts;
  b.facts = std::move(f);
  return b;
}

Section section(std::string id, std::string title, int level = 2) {
  Section s;
  s.id = std::move(id);
  s.title = std::move(title);
  s.level = level;
  return s;
}

/// The verification with the latest date (the later entry on a tie; undated entries only
/// when none has a date), or null.
const Verification *latest_verification(const Action &a) {
  const Verification *best = nullptr;
  for (const Verification &v : a.verification) {
    if (!best) { best = &v; continue; }
    if (!v.date) { if (!best->date) best = &v; continue; }
    if (!best->date || v.date->days >= best->date->days) best = &v;
  }
  return best;
}

// --- What happened ---------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

/// The first `count` sentences: a sentence ends at '.', '!' or '?' followed by the end of the
/// text, or by white space and then an ASCII capital letter.
std::string first_sentences(std::string_view text, int count) {
  const std::string t = trim(text);
  int found = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c != '.' && c != '!' && c != '?') continue;
    std::size_t j = i + 1;
    if (j < t.size() && !is_space(t[j])) continue;
    while (j < t.size() && is_space(t[j])) ++j;
    if (j < t.size() && !(t[j] >= 'A' && t[j] <= 'Z')) continue;
    if (++found == count) return t.substr(0, i + 1);
  }
  return t;
}

std::string generated_what_happened(const Document &doc, const Analysis &analysis) {
  const Incident *inc = doc.incident ? &*doc.incident : nullptr;
  std::string kind = inc && inc->category ? words(*inc->category) : std::string("security");
  std::string first = fmt::format("A {} incident", kind);
  if (kind.front() == 'a' || kind.front() == 'e' || kind.front() == 'i' || kind.front() == 'o' ||
      kind.front() == 'u')
    first = fmt::format("An {} incident", kind);
  if (inc && inc->title && !inc->title->empty()) first += ": " + *inc->title;
  first += ".";

  struct Step {
    Milestone m;
    const char *verb;
  };
  static constexpr Step steps[] = {{Milestone::started_at, "started"},
                                   {Milestone::detected_at, "was detected"},
                                   {Milestone::contained_at, "was contained"},
                                   {Milestone::recovered_at, "was recovered from"}};
  std::vector<std::string> parts;
  for (const Step &s : steps)
    if (const auto &m = analysis.metrics.milestones[static_cast<std::size_t>(s.m)])
      parts.push_back(fmt::format("{} at {}", s.verb, utc_time(m->time)));
  if (parts.empty()) return first + " No lifecycle times are recorded.";
  return first + " It " + join_and(parts) + ".";
}

/// Readable names of the severity terms (docs/scoring.md).
std::string term_words(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> names[] = {
      {"records", "records affected"}, {"users", "users affected"},   {"data_types", "data types"},
      {"financial_loss", "financial loss"}, {"asset_criticality", "asset criticality"},
      {"assets", "compromised assets"}, {"cvss", "CVSS"}, {"kev", "CISA KEV"}};
  for (const auto &[key, value] : names)
    if (key == name) return std::string(value);
  std::string s(name);
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string metric_words(Metric m) { return capitalized(words(m)); }

std::string milestone_words(Milestone m) {
  std::string s(to_string(m));
  if (s.size() > 3 && s.ends_with("_at")) s.resize(s.size() - 3);
  return s;
}

// --- Sections --------------------------------------------------------------------------------

// "T1190 Exploit Public-Facing Application": the id, then its ATT&CK name when the knowledge
// tables know it.
Spans technique_spans(const std::string &id, const Knowledge &knowledge) {
  Spans out{code(id)};
  const std::string_view name = technique_name(id, knowledge);
  if (!name.empty()) out.push_back(plain(" " + std::string(name)));
  return out;
}

Facts header_facts(const Document &doc, const Analysis &analysis, const std::string &as_of, const Knowledge &knowledge) {
  Facts f;
  const Incident *inc = doc.incident ? &*doc.incident : nullptr;
  auto add = [&](std::string label, Spans value) { f.items.emplace_back(std::move(label), std::move(value)); };
  const std::string not_recorded = "not recorded";
  add("Incident", {inc && inc->id && !inc->id->empty() ? code(*inc->id) : em(not_recorded)});
  add("Category", {inc && inc->category ? plain(words(*inc->category)) : em(not_recorded)});
  add("Determination", {inc && inc->determination ? plain(words(*inc->determination))
                                                  : plain("confirmed (not stated)")});
  add("Status", {inc && inc->status ? plain(words(*inc->status)) : em(not_recorded)});
  const SeverityScore &sev = analysis.score.severity;
  Spans severity{plain(fmt::format("computed {} ({} of 100)", words(sev.tier), one_decimal(sev.score)))};
  if (inc && inc->declared_severity) {
    severity.push_back(plain(fmt::format("; declared {}", words(*inc->declared_severity))));
    if (*inc->declared_severity != sev.tier) severity.push_back(em(" (differs)"));
  } else {
    severity.push_back(plain("; none declared"));
  }
  add("Severity", std::move(severity));
  if (inc && inc->tlp) add("TLP", {plain(fmt::format("TLP:{}", tlp_words(*inc->tlp)))});
  add("Discovery method", {inc && inc->discovery_method ? plain(words(*inc->discovery_method)) : em(not_recorded)});
  if (inc && !inc->techniques.empty()) {
    Spans techniques;
    for (const std::string &id : inc->techniques) {
      if (!techniques.empty()) techniques.push_back(plain("; "));
      for (Span &span : technique_spans(id, knowledge)) techniques.push_back(std::move(span));
    }
    add("ATT&CK techniques", std::move(techniques));
  }
  add("Report date", {plain(as_of)});
  return f;
}

Section summary_section(const Document &doc, const Analysis &analysis, const Summary &summary,
                        const std::string &as_of, const Knowledge &knowledge) {
  Section s = section("executive-summary", "Executive summary");
  s.blocks.push_back(facts(header_facts(doc, analysis, as_of, knowledge)));
  s.blocks.push_back(paragraph({strong("What happened."), plain(" " + summary.what_happened)}));
  s.blocks.push_back(paragraph({strong("Severity."), plain(" " + summary.severity_why)}));

  Table t;
  t.header = {"Metric", "Duration", "ISO 8601", "Measured"};
  t.caption = "Lifecycle metrics";
  for (const MetricRule &rule : metric_rules()) {
    const auto &v = analysis.metrics.values[static_cast<std::size_t>(rule.metric)];
    std::vector<Cell> row{cell({plain(metric_words(rule.metric))})};
    if (v) {
      const bool approximate = v->precision != Precision::second;
      row.push_back(cell({plain((approximate ? "≈ " : "") + human_duration(v->seconds))}, {}, true));
      row.push_back(cell({code(iso8601_duration(v->seconds))}));
      std::string measured = fmt::format("{} → {}", milestone_words(v->from), milestone_words(v->to));
      if (approximate) measured += fmt::format(" (approximate: {} precision)", to_string(v->precision));
      if (v->seconds < 0) measured += " (negative: the end comes before the start)";
      row.push_back(cell({plain(std::move(measured))}));
    } else {
      row.push_back(cell({em("not known")}, {}, true));
      row.push_back(Cell{});
      std::string ends = fmt::format("{} → {}", milestone_words(rule.from), milestone_words(rule.to));
      if (rule.fallback) ends += " or " + milestone_words(*rule.fallback);
      row.push_back(cell({plain(std::move(ends))}));
    }
    t.rows.push_back(std::move(row));
  }
  s.blocks.push_back(table(std::move(t)));

  if (analysis.metrics.key_moments.empty()) {
    s.blocks.push_back(empty("No key moments are marked."));
  } else {
    s.blocks.push_back(paragraph({strong("Key moments.")}));
    List l;
    for (std::size_t i : analysis.metrics.key_moments) {
      const Event &e = doc.timeline[i];
      ListItem item;
      if (e.time) item.spans.push_back(strong(utc_time(*e.time)));
      item.spans.push_back(plain(": "));
      item.spans.push_back(e.description && !e.description->empty() ? plain(*e.description)
                                                                     : em("no description"));
      l.items.push_back(std::move(item));
    }
    s.blocks.push_back(list(std::move(l)));
  }
  return s;
}

Section impact_section(const Document &doc) {
  Section s = section("impact", "Impact");
  const Impact *imp = doc.incident && doc.incident->impact ? &*doc.incident->impact : nullptr;
  if (!imp) {
    s.blocks.push_back(empty("No impact is recorded."));
    return s;
  }
  Facts f;
  auto add = [&](std::string label, Spans value) { f.items.emplace_back(std::move(label), std::move(value)); };
  if (imp->confidentiality) add("Confidentiality", {plain(words(*imp->confidentiality))});
  if (imp->integrity) add("Integrity", {plain(words(*imp->integrity))});
  if (imp->availability) add("Availability", {plain(words(*imp->availability))});
  if (imp->rating) add("Rating", {plain(words(*imp->rating))});
  if (imp->records_affected) add("Records affected", {plain(std::to_string(*imp->records_affected))});
  if (!imp->data_types.empty()) {
    std::vector<std::string> types;
    for (DataType d : imp->data_types) types.push_back(words(d));
    add("Data types", {plain(join(types))});
  }
  if (imp->users_affected) add("Users affected", {plain(std::to_string(*imp->users_affected))});
  if (imp->downtime_minutes) add("Downtime", {plain(number(*imp->downtime_minutes) + " min")});
  if (imp->financial_loss) {
    const FinancialLoss &l = *imp->financial_loss;
    std::string text;
    if (l.min && l.max) text = *l.min == *l.max ? number(*l.max) : number(*l.min) + "–" + number(*l.max);
    else if (l.max) text = "up to " + number(*l.max);
    else if (l.min) text = "at least " + number(*l.min);
    else text = "not estimated";
    Spans v{plain(text)};
    if (l.currency && !l.currency->empty()) v.push_back(plain(" " + *l.currency));
    add("Financial loss", std::move(v));
  }
  if (imp->recoverability) add("Recoverability", {plain(words(*imp->recoverability))});
  if (!imp->regulatory.empty()) add("Regulatory", {plain(join(imp->regulatory))});
  if (imp->notes && !imp->notes->empty()) add("Notes", {plain(*imp->notes)});
  if (f.items.empty()) s.blocks.push_back(empty("The impact is recorded but none of its members is assessed."));
  else s.blocks.push_back(facts(std::move(f)));
  return s;
}

std::vector<Cell> event_row(const Event &e, const Knowledge &knowledge) {
  std::vector<Cell> row;
  if (e.time) {
    Spans t{plain(utc_time(*e.time))};
    const std::string written = e.time->to_string();
    if (written != e.time->to_utc_string()) t.push_back(em(" (written " + written + ")"));
    if (e.precision && *e.precision != Precision::second)
      t.push_back(em(fmt::format(" (to the {})", to_string(*e.precision))));
    row.push_back(cell(std::move(t)));
  } else {
    row.push_back(cell({em("no valid time")}));
  }
  row.push_back(e.type ? cell({plain(words(*e.type))}) : Cell{});
  row.push_back(text_cell(e.description));
  Spans source;
  if (e.source && !e.source->empty()) source.push_back(plain(*e.source));
  if (e.actor && !e.actor->empty()) source.push_back(plain((source.empty() ? "by " : "; by ") + *e.actor));
  row.push_back(cell(std::move(source)));
  Spans assets;
  for (std::size_t i = 0; i < e.asset_ids.size(); ++i) {
    if (i) assets.push_back(plain(", "));
    assets.push_back(code(e.asset_ids[i]));
  }
  row.push_back(cell(std::move(assets)));
  Spans attack;
  if (e.technique && !e.technique->empty()) attack = technique_spans(*e.technique, knowledge);
  if (e.tactic && !e.tactic->empty()) {
    if (!attack.empty()) attack.push_back(plain(" "));
    attack.push_back(plain(attack.empty() ? *e.tactic : "(" + *e.tactic + ")"));
  }
  row.push_back(cell(std::move(attack)));
  row.push_back(e.key.value_or(false) ? cell({strong("key")}) : Cell{});
  return row;
}

Section timeline_section(const Document &doc, const Knowledge &knowledge) {
  Section s = section("timeline", "Timeline");
  if (doc.timeline.empty()) {
    s.blocks.push_back(empty("No timeline events are recorded."));
    return s;
  }
  const std::vector<std::size_t> order = chronological_order(doc);
  if (!order.empty()) s.blocks.push_back(chart(Chart::timeline));
  Table t;
  t.header = {"Time (UTC)", "Type", "Description", "Source", "Assets", "ATT&CK", "Key"};
  std::vector<bool> listed(doc.timeline.size(), false);
  for (std::size_t i : order) {
    listed[i] = true;
    t.rows.push_back(event_row(doc.timeline[i], knowledge));
  }
  std::size_t untimed = 0;
  for (std::size_t i = 0; i < doc.timeline.size(); ++i)
    if (!listed[i]) {
      ++untimed;
      t.rows.push_back(event_row(doc.timeline[i], knowledge));
    }
  s.blocks.push_back(table(std::move(t)));
  if (untimed)
    s.blocks.push_back(paragraph({plain(fmt::format(
        "{} without a valid time {} listed last, in document order.", plural(untimed, "event", "events"),
        untimed == 1 ? "is" : "are"))}));
  return s;
}

std::string kind_words(const std::optional<FactorKind> &k) {
  if (!k) return "kind not stated";
  switch (*k) {
  case FactorKind::root_cause: return "root cause";
  case FactorKind::contributing: return "contributing";
  case FactorKind::mitigating: return "mitigating";
  }
  return "kind not stated";
}

void factor_sections(const Document &doc, std::vector<Section> &out) {
  Section s = section("root-causes", "Root causes and contributing factors");
  if (doc.factors.empty()) {
    s.blocks.push_back(empty("No root causes or contributing factors are recorded."));
    out.push_back(std::move(s));
    return;
  }
  std::array<std::size_t, 3> kinds{};
  for (const Factor &f : doc.factors)
    if (f.kind) ++kinds[static_cast<std::size_t>(*f.kind)];
  s.blocks.push_back(paragraph({plain(fmt::format("{}, {} and {}.", plural(kinds[0], "root cause", "root causes"),
                                                  plural(kinds[1], "contributing factor", "contributing factors"),
                                                  plural(kinds[2], "mitigating factor", "mitigating factors")))}));
  out.push_back(std::move(s));

  constexpr std::size_t categories = enum_traits<FactorCategory>::names.size();
  for (std::size_t c = 0; c <= categories; ++c) { // the last pass: no (valid) category
    List l;
    for (const Factor &f : doc.factors) {
      const bool match = c < categories ? f.category && static_cast<std::size_t>(*f.category) == c : !f.category;
      if (!match) continue;
      ListItem item;
      item.spans.push_back(strong(display_name(f.title, f.id, "untitled factor")));
      std::string meta = " (" + kind_words(f.kind);
      if (f.id && !f.id->empty() && f.title && !f.title->empty()) {
        item.spans.push_back(plain(meta + ", "));
        item.spans.push_back(code(*f.id));
        meta.clear();
      }
      if (f.control && !f.control->empty()) meta += (meta.empty() ? ", control " : ", control ") + *f.control;
      item.spans.push_back(plain(meta + ")"));
      if (f.description && !f.description->empty()) item.spans.push_back(plain(": " + *f.description));
      // The actions that address it, in document order.
      std::vector<std::size_t> by;
      if (f.id && !f.id->empty())
        for (std::size_t a = 0; a < doc.actions.size(); ++a)
          if (std::find(doc.actions[a].addresses.begin(), doc.actions[a].addresses.end(), *f.id) !=
              doc.actions[a].addresses.end())
            by.push_back(a);
      if (!by.empty()) {
        item.spans.push_back(plain(". Addressed by "));
        for (std::size_t i = 0; i < by.size(); ++i) {
          if (i) item.spans.push_back(plain(", "));
          item.spans.push_back(code(action_id(doc, by[i])));
        }
        item.spans.push_back(plain("."));
      } else if (f.kind != FactorKind::mitigating) {
        item.spans.push_back(plain(". No action addresses it."));
      }
      for (const std::string &why : f.why) item.children.push_back(ListItem{{plain(why)}, {}, true});
      item.children_ordered = true;
      l.items.push_back(std::move(item));
    }
    if (l.items.empty()) continue;
    const std::string name = c < categories ? std::string(enum_traits<FactorCategory>::names[c]) : "uncategorized";
    Section sub = section("root-causes-" + name, capitalized(name), 3);
    sub.blocks.push_back(list(std::move(l)));
    out.push_back(std::move(sub));
  }
}

Section plan_section(const Document &doc, const Analysis &analysis) {
  Section s = section("remediation-plan", "Remediation plan");
  const Plan &plan = analysis.plan;
  if (doc.actions.empty()) {
    s.blocks.push_back(empty("No remediation actions are recorded."));
    return s;
  }
  s.blocks.push_back(paragraph({plain(fmt::format(
      "{}: {} open, {} finished, {} rejected; {} overdue, {} unverified.", plural(doc.actions.size(), "action", "actions"),
      plan.open, plan.finished, plan.rejected.size(), plan.overdue, plan.unverified))}));
  if (!plan.items.empty()) {
    s.blocks.push_back(chart(Chart::plan));
    Table t;
    t.header = {"#", "Action", "Title", "Owner", "Due", "Status", "Priority", "Verification"};
    for (const PlanItem &item : plan.items) {
      const Action &a = doc.actions[item.action_index];
      std::vector<Cell> row;
      row.push_back(cell({plain(std::to_string(item.position))}, {}, true));
      row.push_back(cell({code(action_id(doc, item.action_index))}));
      row.push_back(text_cell(a.title));
      Spans owner;
      if (a.owner && !a.owner->empty()) owner.push_back(plain(*a.owner));
      if (a.team && !a.team->empty()) owner.push_back(plain(owner.empty() ? *a.team : " (" + *a.team + ")"));
      if (owner.empty()) owner.push_back(em("no owner"));
      row.push_back(cell(std::move(owner)));
      // Due: the action's own date, or the SLA suggestion.
      Spans due;
      Tone due_tone;
      if (item.suggested_due) {
        due.push_back(plain(item.suggested_due->to_string()));
        if (!a.due) due.push_back(em(" (SLA suggestion)"));
        if (item.overdue) {
          due.push_back(strong(fmt::format(" overdue {} d", item.days_overdue)));
          due_tone = "overdue";
        } else if (item.due_after_sla && item.sla_due) {
          due.push_back(em(" (later than the SLA, " + item.sla_due->to_string() + ")"));
        }
      } else if (a.due) {
        due.push_back(plain(a.due->to_date_string()));
      }
      row.push_back(cell(std::move(due), due_tone));
      // Status.
      Spans status{plain(words(item.status))};
      Tone status_tone(to_string(item.status));
      if (item.overdue) {
        status.push_back(plain(", overdue"));
        status_tone = "overdue";
      }
      if (item.unverified) {
        status.push_back(plain(", unverified"));
        status_tone = "unverified";
      }
      if (!item.blocked_by.empty()) status.push_back(plain(", blocked by " + action_ids(doc, item.blocked_by)));
      if (item.in_cycle) status.push_back(plain(", in a dependency cycle"));
      if (item.on_critical_path) status.push_back(plain(", critical path"));
      row.push_back(cell(std::move(status), std::move(status_tone)));
      row.push_back(cell({plain(fmt::format("{} ({})", to_string(item.tier), one_decimal(item.score)))},
                         Tone(to_string(item.tier))));
      if (const Verification *v = latest_verification(a)) {
        std::string text = v->result ? words(*v->result) : std::string("no result");
        if (v->date) text += ", " + v->date->to_date_string();
        Tone tone = v->result && *v->result != VerificationResult::effective ? Tone("unverified") : Tone();
        row.push_back(cell({plain(std::move(text))}, std::move(tone)));
      } else {
        row.push_back(cell({em("none")}));
      }
      t.rows.push_back(std::move(row));
    }
    s.blocks.push_back(table(std::move(t)));
  }
  if (plan.critical_path.empty())
    s.blocks.push_back(paragraph({strong("Critical path."), plain(" None: no action is open.")}));
  else
    s.blocks.push_back(paragraph({strong("Critical path."),
                                  plain(fmt::format(" {} (effort {}).", action_ids(doc, plan.critical_path, " → "),
                                                    plan.critical_path_effort))}));
  if (!plan.cycles.empty()) {
    s.blocks.push_back(paragraph({strong("Dependency cycles."), plain(" These actions depend on each other in a "
                                                                       "circle; the plan places them last:")}));
    List l;
    for (const auto &cycle : plan.cycles) l.items.push_back(ListItem{{plain(action_ids(doc, cycle))}, {}, true});
    s.blocks.push_back(list(std::move(l)));
  }
  if (!plan.unknown_dependencies.empty()) {
    std::vector<std::string> parts;
    for (const UnknownDependency &u : plan.unknown_dependencies)
      parts.push_back(action_id(doc, u.action_index) + " → " + u.id);
    s.blocks.push_back(paragraph({strong("Unknown dependencies."), plain(" " + join(parts) + ".")}));
  }
  if (!plan.rejected.empty())
    s.blocks.push_back(paragraph({strong("Rejected, not in the plan."), plain(" " + action_ids(doc, plan.rejected) + ".")}));
  return s;
}

Section risks_section(const Document &doc, const Analysis &analysis, const Policy &policy) {
  Section s = section("open-risks", "Open risks");
  List l;
  auto title_of = [&](std::size_t i) { return display_name(doc.actions[i].title, {}, "untitled action"); };
  for (const PlanItem &item : analysis.plan.items) {
    const Action &a = doc.actions[item.action_index];
    if (item.overdue) {
      l.items.push_back(ListItem{{code(action_id(doc, item.action_index)),
                                  strong(fmt::format(" overdue by {} d", item.days_overdue)),
                                  plain(fmt::format(" (due {}, {}): ", a.due ? a.due->to_date_string() : "?",
                                                    words(item.status))),
                                  plain(title_of(item.action_index))},
                                 {},
                                 true});
    }
    const Verification *latest = latest_verification(a);
    if (item.unverified) {
      std::string why;
      switch (*item.unverified) {
      case Unverified::missing: why = " finished without a verification"; break;
      case Unverified::not_effective:
        why = fmt::format(" finished, but its latest verification found it {}",
                          latest && latest->result ? words(*latest->result) : std::string("not effective"));
        break;
      case Unverified::stale:
        why = fmt::format(" finished, but its latest effective verification is older than {} days",
                          number(policy.thresholds.verify_within_days));
        break;
      }
      l.items.push_back(ListItem{{code(action_id(doc, item.action_index)), strong(why), plain(": "),
                                  plain(title_of(item.action_index))},
                                 {},
                                 true});
    } else if (latest && latest->result && *latest->result != VerificationResult::effective) {
      // An open action whose latest check found it did not work (yet).
      l.items.push_back(ListItem{{code(action_id(doc, item.action_index)),
                                  strong(" latest verification: " + words(*latest->result)), plain(": "),
                                  plain(title_of(item.action_index))},
                                 {},
                                 true});
    }
  }
  for (const Finding &f : analysis.findings) {
    if (f.severity != Severity::error) continue;
    l.items.push_back(ListItem{{strong("Error"), plain(" "), code(f.code), plain(" at "),
                                code(f.path.empty() ? std::string("/") : f.path), plain(": " + f.message)},
                               {},
                               true});
  }
  if (l.items.empty())
    s.blocks.push_back(empty("No open risks: no action is overdue or unverified and no finding is an error."));
  else
    s.blocks.push_back(list(std::move(l)));
  return s;
}

void lesson_sections(const Document &doc, std::vector<Section> &out) {
  Section s = section("lessons-learned", "Lessons learned");
  if (doc.lessons.empty()) {
    s.blocks.push_back(empty("No lessons are recorded."));
    out.push_back(std::move(s));
    return;
  }
  s.blocks.push_back(paragraph({plain(plural(doc.lessons.size(), "lesson", "lessons") + ".")}));
  out.push_back(std::move(s));
  static constexpr std::pair<LessonKind, std::string_view> kinds[] = {{LessonKind::went_well, "Went well"},
                                                                      {LessonKind::went_wrong, "Went wrong"},
                                                                      {LessonKind::lucky, "Lucky"},
                                                                      {LessonKind::learned, "Learned"}};
  for (std::size_t k = 0; k <= std::size(kinds); ++k) {
    List l;
    for (const Lesson &lesson : doc.lessons) {
      const bool match = k < std::size(kinds) ? lesson.kind == kinds[k].first : !lesson.kind;
      if (!match) continue;
      ListItem item;
      item.spans.push_back(lesson.text && !lesson.text->empty() ? plain(*lesson.text) : em("no text"));
      if (!lesson.action_ids.empty()) {
        item.spans.push_back(plain(lesson.action_ids.size() == 1 ? " (action " : " (actions "));
        for (std::size_t i = 0; i < lesson.action_ids.size(); ++i) {
          if (i) item.spans.push_back(plain(", "));
          item.spans.push_back(code(lesson.action_ids[i]));
        }
        item.spans.push_back(plain(")"));
      }
      l.items.push_back(std::move(item));
    }
    if (l.items.empty()) continue;
    const std::string title = k < std::size(kinds) ? std::string(kinds[k].second) : "Kind not stated";
    const std::string id = k < std::size(kinds) ? std::string(to_string(kinds[k].first)) : "other";
    std::string anchor = "lessons-" + id;
    std::replace(anchor.begin(), anchor.end(), '_', '-');
    Section sub = section(std::move(anchor), title, 3);
    sub.blocks.push_back(list(std::move(l)));
    out.push_back(std::move(sub));
  }
}

Section evidence_section(const Document &doc) {
  Section s = section("evidence", "Evidence");
  if (doc.evidence.empty()) {
    s.blocks.push_back(empty("No evidence is recorded."));
    return s;
  }
  Table t;
  t.header = {"ID", "Type", "Description", "SHA-256", "Collected", "Location"};
  for (const Evidence &e : doc.evidence) {
    std::vector<Cell> row;
    row.push_back(code_cell(e.id));
    row.push_back(e.type ? cell({plain(words(*e.type))}) : Cell{});
    row.push_back(text_cell(e.description));
    row.push_back(e.sha256 && !e.sha256->empty() ? cell({code(*e.sha256)}) : cell({em("none")}));
    Spans collected;
    if (e.collected_at) collected.push_back(plain(utc_time(*e.collected_at)));
    if (e.collected_by && !e.collected_by->empty())
      collected.push_back(plain((collected.empty() ? "by " : " by ") + *e.collected_by));
    row.push_back(cell(std::move(collected)));
    row.push_back(code_cell(e.location));
    t.rows.push_back(std::move(row));
  }
  s.blocks.push_back(table(std::move(t)));

  s.blocks.push_back(paragraph({strong("Chain of custody.")}));
  List l;
  for (std::size_t i = 0; i < doc.evidence.size(); ++i) {
    const Evidence &e = doc.evidence[i];
    ListItem item;
    item.spans.push_back(code(e.id && !e.id->empty() ? *e.id : fmt::format("evidence {}", i + 1)));
    if (e.custody.empty()) item.spans.push_back(em(": no chain of custody recorded"));
    for (const CustodyEntry &c : e.custody) {
      ListItem entry;
      entry.spans.push_back(c.time ? plain(utc_time(*c.time)) : em("no time"));
      entry.spans.push_back(plain(": "));
      entry.spans.push_back(c.action ? strong(words(*c.action)) : em("no action"));
      if (c.by && !c.by->empty()) entry.spans.push_back(plain(" by " + *c.by));
      if (c.to && !c.to->empty()) entry.spans.push_back(plain(" → " + *c.to));
      if (c.notes && !c.notes->empty()) entry.spans.push_back(plain(" (" + *c.notes + ")"));
      item.children.push_back(std::move(entry));
    }
    item.children_ordered = true;
    l.items.push_back(std::move(item));
  }
  s.blocks.push_back(list(std::move(l)));
  return s;
}

Section quality_section(const Analysis &analysis) {
  Section s = section("quality", "Post-mortem quality");
  const QualityScore &q = analysis.score.quality;
  s.blocks.push_back(paragraph({strong("Quality score."), plain(fmt::format(" {} of 100.", one_decimal(q.score)))}));
  double weights = 0;
  for (const ScoreTerm &t : q.terms) weights += t.weight;
  Table t;
  t.header = {"Term", "Points", "Of", "Why"};
  for (const ScoreTerm &term : q.terms) {
    const double max = weights > 0 ? 100 * term.weight / weights : 0;
    t.rows.push_back({cell({plain(term_words(term.name))}), cell({plain(one_decimal(term.points))}, {}, true),
                      cell({plain(one_decimal(max))}, {}, true), cell({plain(term.why)})});
  }
  s.blocks.push_back(table(std::move(t)));

  if (analysis.findings.empty()) {
    s.blocks.push_back(empty("No open findings: the document passes every rule."));
    return s;
  }
  std::array<std::size_t, 3> by{};
  for (const Finding &f : analysis.findings) ++by[static_cast<std::size_t>(f.severity)];
  s.blocks.push_back(paragraph({strong("Open findings."),
                                plain(fmt::format(" {}, {}, {}.", plural(by[0], "error", "errors"),
                                                  plural(by[1], "warning", "warnings"), plural(by[2], "note", "notes")))}));
  Table f;
  f.header = {"Severity", "Code", "Path", "Message"};
  for (const Finding &finding : analysis.findings) {
    Spans message{plain(finding.message)};
    if (!finding.hint.empty()) message.push_back(em(" Hint: " + finding.hint));
    f.rows.push_back({cell({plain(std::string(to_string(finding.severity)))}, Tone(to_string(finding.severity))),
                      cell({code(finding.code)}), cell({code(finding.path.empty() ? std::string("/") : finding.path)}),
                      cell(std::move(message))});
  }
  s.blocks.push_back(table(std::move(f)));
  return s;
}

Section review_section(const Document &doc) {
  Section s = section("review", "Review and participants");
  if (!doc.review && doc.participants.empty()) {
    s.blocks.push_back(empty("No review or participants are recorded."));
    return s;
  }
  if (doc.review) {
    const Review &r = *doc.review;
    Facts f;
    f.items.emplace_back("Review status", Spans{r.status ? plain(words(*r.status)) : em("not recorded")});
    if (r.held_at) f.items.emplace_back("Held at", Spans{plain(utc_time(*r.held_at))});
    if (r.facilitator && !r.facilitator->empty()) f.items.emplace_back("Facilitator", Spans{plain(*r.facilitator)});
    if (r.next_review) f.items.emplace_back("Next review", Spans{plain(r.next_review->to_date_string())});
    s.blocks.push_back(facts(std::move(f)));
  }
  if (doc.participants.empty()) {
    s.blocks.push_back(empty("No participants are recorded."));
  } else {
    s.blocks.push_back(paragraph({strong("Participants.")}));
    List l;
    for (const Participant &p : doc.participants) {
      ListItem item;
      item.spans.push_back(p.name && !p.name->empty() ? plain(*p.name) : em("name not recorded"));
      std::vector<std::string> what;
      if (p.role && !p.role->empty()) what.push_back(*p.role);
      if (p.team && !p.team->empty()) what.push_back(*p.team);
      if (!what.empty()) item.spans.push_back(plain(" (" + join(what) + ")"));
      l.items.push_back(std::move(item));
    }
    s.blocks.push_back(list(std::move(l)));
  }
  return s;
}

} // namespace

std::string tlp_words(Tlp tlp) {
  switch (tlp) {
  case Tlp::clear: return "CLEAR";
  case Tlp::green: return "GREEN";
  case Tlp::amber: return "AMBER";
  case Tlp::amber_strict: return "AMBER+STRICT";
  case Tlp::red: return "RED";
  }
  return "?";
}

Summary executive_summary(const Document &doc, const Analysis &analysis, const Policy &) {
  Summary out;
  const Incident *inc = doc.incident ? &*doc.incident : nullptr;
  if (inc && inc->summary && !trim(*inc->summary).empty()) out.what_happened = first_sentences(*inc->summary, 2);
  else out.what_happened = generated_what_happened(doc, analysis);

  const SeverityScore &sev = analysis.score.severity;
  std::vector<const ScoreTerm *> terms;
  for (const ScoreTerm &t : sev.terms)
    if (t.points > 0) terms.push_back(&t);
  std::stable_sort(terms.begin(), terms.end(), [](const ScoreTerm *a, const ScoreTerm *b) { return a->points > b->points; });
  if (terms.size() > 3) terms.resize(3);
  std::string why = fmt::format("{} ({} of 100)", capitalized(words(sev.tier)), one_decimal(sev.score));
  if (terms.empty()) {
    why += ": no term contributes points";
  } else {
    std::vector<std::string> parts;
    for (const ScoreTerm *t : terms) parts.push_back(fmt::format("{} ({} points)", term_words(t->name), one_decimal(t->points)));
    why += terms.size() == 1 ? ": the largest term is " : ": the largest terms are ";
    why += join_and(parts);
  }
  for (const ScoreTerm &t : sev.terms)
    if (t.name == "determination" && t.points < 0)
      why += fmt::format("; the determination ({}) takes off {} points",
                         inc && inc->determination ? words(*inc->determination) : std::string("not stated"),
                         one_decimal(-t.points));
  if (inc && inc->declared_severity) {
    if (*inc->declared_severity == sev.tier) why += "; it matches the declared severity";
    else why += fmt::format("; the declared severity is {}", words(*inc->declared_severity));
  }
  out.severity_why = why + ".";
  return out;
}

Content build_content(const Document &doc, const Analysis &analysis, const Policy &policy) {
  Content c;
  const Incident *inc = doc.incident ? &*doc.incident : nullptr;
  c.title = {plain("Post-incident report: "),
             plain(inc ? display_name(inc->title, inc->id, "untitled incident") : std::string("untitled incident"))};
  c.as_of = Timestamp::from_micros(policy.now_micros()).to_utc_string().substr(0, 10);
  if (inc) c.tlp = inc->tlp;

  const Summary summary = executive_summary(doc, analysis, policy);
  c.sections.push_back(summary_section(doc, analysis, summary, c.as_of, knowledge_of(policy)));
  c.sections.push_back(impact_section(doc));
  c.sections.push_back(timeline_section(doc, knowledge_of(policy)));
  factor_sections(doc, c.sections);
  c.sections.push_back(plan_section(doc, analysis));
  c.sections.push_back(risks_section(doc, analysis, policy));
  lesson_sections(doc, c.sections);
  c.sections.push_back(evidence_section(doc));
  c.sections.push_back(quality_section(analysis));
  c.sections.push_back(review_section(doc));
  return c;
}

} // namespace detail
PM_END_NAMESPACE
