// Streaming parser: Boost.JSON's SAX interface drives it, and the JSON tree is built only
// for one top-level member, or one element of a top-level collection, at a time. Each tree
// is turned into model values (fields.hpp) as soon as it is complete, then its arena is
// reused, so a million-event timeline never exists twice in memory.
#include "document/fields.hpp"
#include "json_detail.hpp"
#include "text.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value_stack.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <iterator>
#include <sstream>

PM_BEGIN_NAMESPACE

namespace {

using namespace detail;

// What the handler saw that is not a JSON syntax error.
struct HandlerFailure {
  errc code = errc::ok;
  std::string message;
};

class Handler {
public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  Handler(Document &doc, const Limits &limits)
      : doc_(doc), limits_(limits), arena_(arena_buffer_, sizeof arena_buffer_),
        stack_(json::storage_ptr(), stack_buffer_, sizeof stack_buffer_) {}

  HandlerFailure failure;

  bool on_document_begin(json::error_code &) { return true; }
  bool on_document_end(json::error_code &) { return true; }

  bool on_object_begin(json::error_code &ec) {
    if (depth_ == 0) {
      ++depth_;
      return true;
    }
    return begin_structured(ec);
  }

  bool on_object_end(std::size_t n, json::error_code &ec) {
    --depth_;
    if (depth_ == 0) return true;
    stack_.push_object(n);
    return end_structured(ec);
  }

  bool on_array_begin(json::error_code &ec) {
    if (depth_ == 0) return fail_top_level("an array", ec);
    if (depth_ == 1 && !capturing_) {
      const FieldInfo *f = doc_type_.find(key_);
      if (f && f->kind == Kind::objects) {
        // A top-level collection: its elements are read one at a time.
        f->clear(&doc_);
        doc_.extra.erase(key_);
        chunks_.clear();
        stream_ = f;
        stream_raw_ = false;
        stream_count_ = 0;
        ++depth_;
        return true;
      }
    }
    return begin_structured(ec);
  }

  bool on_array_end(std::size_t n, json::error_code &ec) {
    --depth_;
    if (stream_ && depth_ == 1 && !capturing_) {
      gather_chunks();
      // An empty array means the same as an absent one, but is written back as read.
      if (stream_count_ == 0) doc_.extra.insert_or_assign(key_, json::array());
      stream_ = nullptr;
      return true;
    }
    if (n > limits_.max_collection_size) return fail_collection(n, ec);
    stack_.push_array(n);
    return end_structured(ec);
  }

  bool on_key_part(json::string_view s, std::size_t n, json::error_code &ec) {
    if (n > limits_.max_string_bytes) return fail_string(n, ec);
    if (capturing_) {
      stack_.push_chars(s);
    } else {
      if (n == s.size()) key_.clear(); // the first part of a new key
      key_.append(s.data(), s.size());
    }
    return true;
  }

  bool on_key(json::string_view s, std::size_t n, json::error_code &ec) {
    if (n > limits_.max_string_bytes) return fail_string(n, ec);
    if (capturing_) {
      stack_.push_key(s);
    } else {
      // A key directly in the top-level object: remember it (parts may precede it).
      if (n == s.size()) key_.clear();
      key_.append(s.data(), s.size());
    }
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t n, json::error_code &ec) {
    if (n > limits_.max_string_bytes) return fail_string(n, ec);
    if (!begin_scalar(ec)) return false;
    stack_.push_chars(s);
    return true;
  }

  bool on_string(json::string_view s, std::size_t n, json::error_code &ec) {
    if (n > limits_.max_string_bytes) return fail_string(n, ec);
    if (!begin_scalar(ec)) return false;
    stack_.push_string(s);
    return end_scalar(ec);
  }

  bool on_number_part(json::string_view, json::error_code &) { return true; }

  bool on_int64(std::int64_t i, json::string_view, json::error_code &ec) {
    if (!begin_scalar(ec)) return false;
    stack_.push_int64(i);
    return end_scalar(ec);
  }

  bool on_uint64(std::uint64_t u, json::string_view, json::error_code &ec) {
    if (!begin_scalar(ec)) return false;
    stack_.push_uint64(u);
    return end_scalar(ec);
  }

  bool on_double(double d, json::string_view, json::error_code &ec) {
    if (!begin_scalar(ec)) return false;
    stack_.push_double(d);
    return end_scalar(ec);
  }

  bool on_bool(bool b, json::error_code &ec) {
    if (!begin_scalar(ec)) return false;
    stack_.push_bool(b);
    return end_scalar(ec);
  }

  bool on_null(json::error_code &ec) {
    if (!begin_scalar(ec)) return false;
    stack_.push_null();
    return end_scalar(ec);
  }

  bool on_comment_part(json::string_view, json::error_code &) { return true; }
  bool on_comment(json::string_view, json::error_code &) { return true; }

private:
  // Starts building a tree when an object or array opens where nothing is being built yet:
  // the value of a top-level member, or an element of a streamed collection.
  bool begin_structured(json::error_code &) {
    if (!capturing_) start_capture();
    ++depth_;
    return true;
  }

  bool end_structured(json::error_code &ec) {
    if (depth_ == capture_depth_) return finish_capture(ec);
    return true;
  }

  bool begin_scalar(json::error_code &ec) {
    if (depth_ == 0) return fail_top_level("a scalar", ec);
    if (!capturing_) {
      start_capture();
      scalar_capture_ = true;
    }
    return true;
  }

  bool end_scalar(json::error_code &ec) {
    if (scalar_capture_) {
      scalar_capture_ = false;
      return finish_capture(ec);
    }
    return true;
  }

  void start_capture() {
    capturing_ = true;
    capture_depth_ = depth_;
    stack_.reset(json::storage_ptr(&arena_));
  }

  bool finish_capture(json::error_code &ec) {
    capturing_ = false;
    {
      json::value v = stack_.release();
      if (stream_) {
        if (++stream_count_ > limits_.max_collection_size) return fail_collection(stream_count_, ec);
        add_element(v);
      } else {
        set_member(v);
      }
    }
    arena_.release();
    return true;
  }

  void set_member(const json::value &v) {
    const FieldInfo *f = doc_type_.find(key_);
    if (f && f->read(&doc_, v)) {
      doc_.extra.erase(key_);
      return;
    }
    doc_.extra.insert_or_assign(key_, v);
  }

  // One element of a top-level collection. An element that is not an object cannot live in
  // the typed vector, so the whole collection then falls back to raw JSON in extra (what
  // was read so far converted back losslessly); validation reports the element.
  //
  // Elements are read into chunks of chunk_size and moved into the document's vector once
  // their number is known: growing one vector by doubling would need up to three times its
  // final size at the last reallocation.
  void add_element(const json::value &v) {
    if (!stream_raw_ && v.is_object()) {
      if (chunks_.empty() || stream_->size(chunks_.back().get()) == chunk_size) {
        chunks_.push_back(std::make_unique<Document>());
        stream_->reserve(chunks_.back().get(), chunk_size);
      }
      read_object(stream_->emplace_back(chunks_.back().get()), *stream_->nested, v.get_object());
      return;
    }
    if (!stream_raw_) {
      gather_chunks();
      stream_raw_ = true;
      json::object tmp;
      stream_->write(&doc_, tmp, stream_->name);
      json::value &raw = doc_.extra[key_];
      if (auto *a = tmp.if_contains(stream_->name)) raw = std::move(*a);
      else raw = json::array();
      stream_->clear(&doc_);
    }
    doc_.extra[key_].as_array().push_back(v);
  }

  void gather_chunks() {
    if (chunks_.empty()) return;
    std::size_t total = stream_->size(&doc_);
    for (const auto &c : chunks_) total += stream_->size(c.get());
    stream_->reserve(&doc_, total);
    for (auto &c : chunks_) {
      stream_->move_append(&doc_, c.get());
      c.reset();
    }
    chunks_.clear();
  }

  bool fail_top_level(std::string_view what, json::error_code &ec) {
    failure = {errc::parse, fmt::format("the top level is {}, not an object; a postmortem/1 document is a JSON object", what)};
    ec = json::error::syntax;
    return false;
  }

  bool fail_string(std::size_t n, json::error_code &ec) {
    failure = {errc::limit, fmt::format("a string or key is longer than the limit of {} bytes (max_string_bytes); at least {} bytes were read",
                                        limits_.max_string_bytes, n)};
    ec = json::error::string_too_large;
    return false;
  }

  bool fail_collection(std::size_t n, json::error_code &ec) {
    failure = {errc::limit, fmt::format("an array has more than {} elements (max_collection_size); {} were read",
                                        limits_.max_collection_size, n)};
    ec = json::error::array_too_large;
    return false;
  }

  Document &doc_;
  const Limits &limits_;
  const TypeInfo &doc_type_ = type_info<Document>();
  unsigned char arena_buffer_[16384];
  unsigned char stack_buffer_[4096];
  json::monotonic_resource arena_;
  json::value_stack stack_;
  std::size_t depth_ = 0;
  std::size_t capture_depth_ = 0;
  bool capturing_ = false;
  bool scalar_capture_ = false;
  std::string key_;
  const FieldInfo *stream_ = nullptr;
  bool stream_raw_ = false;
  std::size_t stream_count_ = 0;
  static constexpr std::size_t chunk_size = 4096;
  std::vector<std::unique_ptr<Document>> chunks_;
};

} // namespace

Document parse(std::string_view text, const Policy &policy) {
  const Limits &limits = policy.limits;
  if (text.size() > limits.max_document_bytes)
    throw error(errc::limit, fmt::format("the document is {} bytes, over the limit of {} bytes (max_document_bytes)",
                                         text.size(), limits.max_document_bytes));
  Document doc;
  json::parse_options options;
  options.max_depth = limits.max_depth;
  auto parser = std::make_unique<json::basic_parser<Handler>>(options, doc, limits);
  json::error_code ec;
  std::size_t used = parser->write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (ec) {
    const HandlerFailure &hf = parser->handler().failure;
    if (hf.code != errc::ok) {
      auto [line, column] = detail::line_column(text, used);
      throw error(hf.code, fmt::format("{} (line {}, column {}, byte offset {})", hf.message, line, column, used));
    }
    detail::throw_json_error(text, used, ec, limits.max_depth);
  }
  if (!doc.schema) {
    const json::value *raw = doc.extra.if_contains("schema");
    if (raw && !raw->is_null())
      throw error(errc::version, fmt::format("`schema` must be the string \"{}\", not {}", schema_version,
                                             serialize_value(*raw).substr(0, 80)));
    throw error(errc::version, fmt::format("no `schema` member: add \"schema\": \"{}\" at the top level", schema_version));
  }
  if (*doc.schema != schema_version)
    throw error(errc::version, fmt::format("schema \"{}\" is not supported: this build reads \"{}\"",
                                           doc.schema->substr(0, 80), schema_version));
  return doc;
}

Document load(const std::string &path, const Policy &policy) {
  std::error_code fs_error;
  if (std::filesystem::is_directory(path, fs_error))
    throw error(errc::io, fmt::format("cannot read '{}': it is a directory", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io, fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) throw error(errc::io, fmt::format("cannot read '{}'", path));
  if (static_cast<std::uintmax_t>(size) > policy.limits.max_document_bytes)
    throw error(errc::limit, fmt::format("'{}' is {} bytes, over the limit of {} bytes (max_document_bytes)", path,
                                         static_cast<std::uintmax_t>(size), policy.limits.max_document_bytes));
  std::string text(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(text.data(), size)) throw error(errc::io, fmt::format("cannot read '{}'", path));
  try {
    return parse(text, policy);
  } catch (const error &e) {
    throw error(e.code(), fmt::format("{}: {}", path, e.what()));
  }
}

PM_END_NAMESPACE
