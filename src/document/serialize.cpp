#include "document/fields.hpp"

PM_BEGIN_NAMESPACE

boost::json::value to_value(const Document &doc) {
  return detail::write_object(&doc, detail::type_info<Document>());
}

std::string to_json(const Document &doc, const WriteOptions &options) {
  return serialize_value(to_value(doc), options);
}

PM_END_NAMESPACE
