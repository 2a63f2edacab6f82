// Paystack's response envelope {status, message, data, meta, type, code}, read in one pass over
// the body (Boost.JSON's SAX parser): the envelope's members are picked out as they stream by and
// `data` goes straight into the caller's model (see data_binding), with no document in between.
#pragma once

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <paystack/response.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace paystack {
inline namespace v0 {
namespace detail {

/// A member that is a string, or an integer read as its decimal text (event ids); required,
/// and must not be empty.
struct id_text {
  std::string* value;
};

/// Where one member of a model object goes. A target that is not a std::optional is required
/// (a missing or null member is an error); an optional target takes null as "absent".
using field_target =
    std::variant<std::string*, std::optional<std::string>*, std::int64_t*,
                 std::optional<std::int64_t>*, bool*, std::optional<bool>*, id_text>;

struct field {
  std::string_view key;
  field_target target;
};

/// The members of one model object, in the order their errors are reported.
struct field_list {
  static constexpr std::size_t capacity = 16;
  field items[capacity];
  std::size_t size = 0;

  /// Lists `fields` (a braced list: `f.assign({{"id", &t.id}, {"name", &t.name}})`); their
  /// number is counted by the compiler and checked against the capacity.
  template <std::size_t N>
  void assign(const field (&fields)[N]) noexcept {
    static_assert(N <= capacity, "field_list::capacity is too small for this model");
    for (std::size_t i = 0; i < N; ++i) items[i] = fields[i];
    size = N;
  }
};

/// How the envelope's `data` is read while the body streams by.
struct data_binding {
  enum class shape : std::uint8_t {
    ignored,           ///< not read (operations without data)
    object,            ///< one model object: `bind` lists its members
    array_of_objects,  ///< an array of model objects: `bind` adds an item and lists its members
    document,          ///< kept as a Boost.JSON value (envelope::data_document) for a DOM reader
  };
  shape kind = shape::ignored;
  void* model = nullptr;
  void (*bind)(void* model, field_list& out) = nullptr;
  void (*reset)(void* model) = nullptr;  ///< a repeated `data` key starts over (last one wins)
};

struct envelope {
  /// `storage` holds data_document (shape::document only).
  explicit envelope(boost::json::storage_ptr storage = {}) : data_document(std::move(storage)) {}

  bool status = false;
  std::string message;
  page_meta meta;
  std::optional<std::string> type;
  std::optional<std::string> code;
  std::optional<std::string> next_step;
  bool has_data = false;  ///< `data` is present and not null
  /// Why `data` does not fit the binding ("data.terminal_id: expected a string"); empty when
  /// it fits. The first problem, in the order the members are listed, wins.
  std::string data_error;
  boost::json::value data_document;  ///< `data` itself, for shape::document
};

/// Parses the envelope, streaming `data` into `data`'s model. error::bad_response (with
/// `detail`) when the body is not JSON, not an object, or has no boolean `status`; a `data`
/// that does not fit the model is reported in `out.data_error` instead (it matters only for a
/// successful reply). Cursors "null" (a string) and "" read as absent; a `data.code` (as in
/// INVALID_PUSH_ID) fills `code` when the top level has none. A repeated key: the last wins.
boost::system::error_code parse_envelope(std::string_view body, envelope& out,
                                         const data_binding& data, std::string& detail);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
