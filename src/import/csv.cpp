// CSV over libcsv (Debian libcsv-dev), fed one physical line at a time so that every row
// knows the line it starts on and a syntax error costs one row, not the rest of the file.
#include "import/import.hpp"

#include "text.hpp"

#include <csv.h>
#include <fmt/format.h>

#include <new>

PM_BEGIN_NAMESPACE
namespace detail::importer {

namespace {

// libcsv's parser state between rows (ROW_NOT_BEGUN in libcsv.c; `pstate` is a member of
// the public struct csv_parser): no byte of the next row has been read yet.
constexpr int row_not_begun = 0;

// Strict RFC 4180 (a stray quote is an error, not data) and an unterminated quoted field at
// the end of the input is an error too.
constexpr unsigned char parser_options = CSV_STRICT | CSV_STRICT_FINI;

// libcsv trims spaces and tabs around unquoted values by default; values are kept exactly.
int no_space(unsigned char) { return 0; }

// The length of the valid UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF) at the start of `s`, or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s) noexcept {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF; // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) n = 3;
  else if (c == 0xED) n = 3, hi = 0x9F;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else return 0;
  if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i)
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  return n;
}

bool is_ascii(std::string_view s) noexcept {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// When `s` is not valid UTF-8: true, with `out` holding `s` where every byte that does not
// start a valid sequence is replaced by U+FFFD. False (and `out` untouched) when it is valid.
bool repair_utf8(std::string_view s, std::string &out) {
  if (is_ascii(s)) return false;
  bool bad = false;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s.substr(i));
    if (n == 0) {
      bad = true;
      break;
    }
    i += n;
  }
  if (!bad) return false;
  out.clear();
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s.substr(i));
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return true;
}

// A byte for a message: itself when printable ASCII, else `\xNN`.
std::string printable_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x7F ? std::string(1, c) : fmt::format("\\x{:02X}", u);
}

void init(csv_parser &parser) {
  if (csv_init(&parser, parser_options) != 0) throw std::bad_alloc();
  csv_set_space_func(&parser, no_space);
}

} // namespace

CsvReader::CsvReader(Sink &sink) : sink_(sink), parser_(std::make_unique<csv_parser>()) { init(*parser_); }

CsvReader::~CsvReader() { csv_free(parser_.get()); }

void CsvReader::reset_parser() {
  csv_free(parser_.get());
  init(*parser_);
}

// libcsv calls these from C: they must not throw, so a failure is kept and rethrown after
// csv_parse returns.
void CsvReader::on_field(void *data, std::size_t size, void *self) {
  auto &r = *static_cast<CsvReader *>(self);
  if (r.callback_error_) return;
  try {
    const std::size_t offset = r.cells_.size();
    if (size > 0) r.cells_.append(static_cast<const char *>(data), size);
    r.spans_.emplace_back(offset, size);
  } catch (...) {
    r.callback_error_ = std::current_exception();
  }
}

void CsvReader::on_row(int, void *self) {
  auto &r = *static_cast<CsvReader *>(self);
  if (r.callback_error_) return;
  try {
    r.done_.push_back({r.row_start_, r.row_first_, r.spans_.size() - r.row_first_});
    r.row_first_ = r.spans_.size();
    // A row that ends inside a line (at a lone CR) is followed by one starting on that line.
    r.row_start_ = r.current_line_;
  } catch (...) {
    r.callback_error_ = std::current_exception();
  }
}

void CsvReader::feed(std::string_view chunk) {
  lines_.feed(chunk, [this](std::string_view line, std::uint64_t number) { parse_line(line, number); });
}

void CsvReader::parse_line(std::string_view line, std::uint64_t number) {
  current_line_ = number;
  if (parser_->pstate == row_not_begun) row_start_ = number;
  const std::size_t used = csv_parse(parser_.get(), line.data(), line.size(), on_field, on_row, this);
  if (callback_error_) std::rethrow_exception(std::exchange(callback_error_, nullptr));
  if (used == line.size()) {
    deliver();
    return;
  }
  const int status = csv_error(parser_.get());
  if (status == CSV_ENOMEM) throw std::bad_alloc();
  if (status != CSV_EPARSE) throw error(errc::limit, fmt::format("line {}: CSV field too large", number));
  // The byte at `used` is the one libcsv rejected: a quote inside an unquoted field, or
  // something other than a comma or a line end after a closing quote.
  const bool after_closing_quote = parser_->quoted != 0;
  const std::uint64_t start = row_start_, field = spans_.size() - row_first_ + 1;
  std::string message =
      after_closing_quote
          ? fmt::format("malformed CSV: \"{}\" after the closing quote of a quoted field (a quote inside one must be doubled)",
                        printable_byte(line[used]))
          : "malformed CSV: a quote inside an unquoted field (quote the whole field and double the quote)";
  if (start != number) message += fmt::format(" on line {}", number);
  deliver();
  // Drop the partial row and resynchronise at the next line.
  cells_.clear();
  spans_.clear();
  row_first_ = 0;
  reset_parser();
  row_start_ = number + 1;
  sink_.malformed(start, field, std::move(message));
}

void CsvReader::finish() {
  lines_.finish([this](std::string_view line, std::uint64_t number) { parse_line(line, number); });
  const int rc = csv_fini(parser_.get(), on_field, on_row, this);
  if (callback_error_) std::rethrow_exception(std::exchange(callback_error_, nullptr));
  if (rc == 0) {
    deliver();
    return;
  }
  const std::uint64_t start = row_start_, field = spans_.size() - row_first_ + 1;
  deliver();
  cells_.clear();
  spans_.clear();
  row_first_ = 0;
  reset_parser();
  sink_.malformed(start, field, "malformed CSV: a quoted field is not closed before the end of the input");
}

void CsvReader::deliver() {
  if (done_.empty()) return;
  for (const Done &d : done_) {
    views_.clear();
    // Sized first: views into these strings must not move while the row is built.
    if (repaired_.size() < d.count) repaired_.resize(d.count);
    std::size_t repaired = 0;
    for (std::size_t i = d.first; i < d.first + d.count; ++i) {
      std::string_view field(cells_.data() + spans_[i].first, spans_[i].second);
      // Timelines are UTF-8 text, and so are documents: a byte that is not part of valid
      // UTF-8 becomes U+FFFD rather than costing the row.
      if (repair_utf8(field, repaired_[repaired])) field = repaired_[repaired++];
      views_.push_back(field);
    }
    sink_.row(d.line, views_);
  }
  done_.clear();
  if (row_first_ == spans_.size()) {
    cells_.clear();
    spans_.clear();
  } else {
    // Keep the fields already read of the row in progress (it continues on the next line).
    const std::size_t base = spans_[row_first_].first;
    cells_.erase(0, base);
    spans_.erase(spans_.begin(), spans_.begin() + static_cast<std::ptrdiff_t>(row_first_));
    for (auto &span : spans_) span.first -= base;
  }
  row_first_ = 0;
}

// ---------------------------------------------------------------------------------------

CsvTableReader::CsvTableReader(Core &core) : core_(core), reader_(*this) {}

void CsvTableReader::feed(std::string_view chunk) { reader_.feed(chunk); }

void CsvTableReader::finish() {
  reader_.finish();
  if (!have_header_)
    core_.not_this_format(fmt::format("not a {}: the input is empty (no header line)", format_title(core_.format())));
}

int CsvTableReader::find(std::string_view logical) const {
  const std::string_view name = core_.column_name(logical);
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  return -1;
}

Where CsvTableReader::where(std::uint64_t line, int index) const {
  if (index < 0) return {line, 0, {}};
  const auto i = static_cast<std::size_t>(index);
  return {line, i + 1, i < names_.size() ? std::string_view(names_[i]) : std::string_view()};
}

void CsvTableReader::missing(std::string_view what) const {
  core_.not_this_format(fmt::format("not a {}: no {} column in the header{}", format_title(core_.format()), what,
                                    core_.options().columns.empty()
                                        ? " (map the file's own column names with the `columns` option; `--column` in the CLI)"
                                        : ""));
}

void CsvTableReader::row(std::uint64_t line, std::span<const std::string_view> fields) {
  if (!have_header_) {
    have_header_ = true;
    names_.assign(fields.begin(), fields.end());
    x_keys_.clear();
    for (const auto &name : names_) x_keys_.push_back("x_" + name);
    header(fields);
    return;
  }
  core_.count_row();
  if (fields.size() != names_.size()) {
    const std::string message = fmt::format("the row has {} field{}; the header has {}", fields.size(),
                                            fields.size() == 1 ? "" : "s", names_.size());
    if (fields.size() < names_.size()) core_.problem(where(line, static_cast<int>(fields.size())), message);
    else core_.problem({line, names_.size() + 1, {}}, message);
    return;
  }
  record(line, fields);
}

void CsvTableReader::malformed(std::uint64_t line, std::uint64_t field, std::string message) {
  if (!have_header_)
    core_.not_this_format(fmt::format("not a {}: the header (line {}) is not valid CSV: {}", format_title(core_.format()),
                                      line, message));
  core_.count_row();
  core_.problem(where(line, static_cast<int>(field - 1)), std::move(message));
}

} // namespace detail::importer
PM_END_NAMESPACE
