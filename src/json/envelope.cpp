// The envelope reader: one pass of Boost.JSON's SAX parser (basic_parser) over the body. The
// members it needs are picked out by depth and key as they go by; everything else is skipped
// without being stored. It gives exactly what parsing into a document and looking members up
// gave (tests/support/dom_reference.cpp keeps that reader; reply_reader_test and
// fuzz/reply_fuzzer compare the two), in two thirds of the time (doc/performance.md).
#include "json/envelope.hpp"

#include <boost/json/array.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value_stack.hpp>
#include <paystack/error.hpp>
#include <type_traits>

#include "json/reader.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

namespace json = boost::json;
using json::error_code;

/// One scalar JSON value as the parser reports it.
struct scalar {
  enum class kind : std::uint8_t { null, boolean, int64, uint64, double_, string } k;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  std::string_view s;

  std::optional<std::int64_t> to_int64() const noexcept {
    switch (k) {
      case kind::int64:
        return i;
      case kind::uint64:
        return int64_from_uint64(u);
      case kind::double_:
        return int64_from_double(d);
      case kind::string:
        return int64_from_text(s);
      default:
        return std::nullopt;
    }
  }
  /// An integer kind (not a string of digits).
  std::optional<std::int64_t> number_to_int64() const noexcept {
    return k == kind::string ? std::nullopt : to_int64();
  }
};

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

/// Stores `v` into `target`; false when the value does not fit (null fits only optionals).
bool store(const field_target& target, const scalar& v) {
  using k = scalar::kind;
  return std::visit(overloaded{
                        [&](std::string* t) {
                          if (v.k != k::string) return false;
                          t->assign(v.s);
                          return true;
                        },
                        [&](std::optional<std::string>* t) {
                          if (v.k == k::null) return t->reset(), true;
                          if (v.k != k::string) return false;
                          t->emplace(v.s);
                          return true;
                        },
                        [&](std::int64_t* t) {
                          auto n = v.to_int64();
                          if (n) *t = *n;
                          return n.has_value();
                        },
                        [&](std::optional<std::int64_t>* t) {
                          if (v.k == k::null) return t->reset(), true;
                          *t = v.to_int64();
                          return t->has_value();
                        },
                        [&](bool* t) {
                          if (v.k != k::boolean) return false;
                          *t = v.b;
                          return true;
                        },
                        [&](std::optional<bool>* t) {
                          if (v.k == k::null) return t->reset(), true;
                          if (v.k != k::boolean) return false;
                          *t = v.b;
                          return true;
                        },
                        [&](id_text t) {
                          if (auto n = v.number_to_int64()) {
                            *t.value = std::to_string(*n);
                            return true;
                          }
                          if (v.k != k::string) return false;
                          t.value->assign(v.s);
                          return true;
                        },
                    },
                    target);
}

bool is_required(const field_target& target) {
  return std::visit(overloaded{
                        [](std::optional<std::string>*) { return false; },
                        [](std::optional<std::int64_t>*) { return false; },
                        [](std::optional<bool>*) { return false; },
                        [](auto) { return true; },
                    },
                    target);
}

/// What a member that did not fit should have been.
std::string_view expected(const field_target& target) {
  return std::visit(overloaded{
                        [](std::string*) { return "expected a string"; },
                        [](std::optional<std::string>*) { return "expected a string or null"; },
                        [](std::int64_t*) { return "expected an integer"; },
                        [](std::optional<std::int64_t>*) { return "expected an integer or null"; },
                        [](bool*) { return "expected a boolean"; },
                        [](std::optional<bool>*) { return "expected a boolean or null"; },
                        [](id_text) { return "expected a string"; },
                    },
                    target);
}

std::optional<std::string> cursor(const scalar& v) {
  if (v.k == scalar::kind::string) {
    if (v.s.empty() || v.s == "null") return std::nullopt;
    return std::string(v.s);
  }
  if (auto n = v.number_to_int64()) return std::to_string(*n);  // numeric cursors, kept as text
  return std::nullopt;
}

std::optional<std::string> text(const scalar& v) {
  if (v.k == scalar::kind::string) return std::string(v.s);
  return std::nullopt;
}

enum class top_key : std::uint8_t { other, status, message, type, code, data, meta };
enum class meta_key : std::uint8_t {
  other,
  next,
  previous,
  per_page_camel,
  per_page,
  total,
  skipped,
  page,
  page_count_camel,
  page_count,
  next_step_camel,
  next_step
};
enum class role : std::uint8_t { other, root, meta, data_object, data_array, item };

top_key classify_top(std::string_view k) {
  switch (k.size()) {
    case 4:
      if (k == "data") return top_key::data;
      if (k == "meta") return top_key::meta;
      if (k == "type") return top_key::type;
      if (k == "code") return top_key::code;
      break;
    case 6:
      if (k == "status") return top_key::status;
      break;
    case 7:
      if (k == "message") return top_key::message;
      break;
  }
  return top_key::other;
}

meta_key classify_meta(std::string_view k) {
  if (k == "next") return meta_key::next;
  if (k == "previous") return meta_key::previous;
  if (k == "perPage") return meta_key::per_page_camel;
  if (k == "per_page") return meta_key::per_page;
  if (k == "total") return meta_key::total;
  if (k == "skipped") return meta_key::skipped;
  if (k == "page") return meta_key::page;
  if (k == "pageCount") return meta_key::page_count_camel;
  if (k == "page_count") return meta_key::page_count;
  if (k == "nextStep") return meta_key::next_step_camel;
  if (k == "next_step") return meta_key::next_step;
  return meta_key::other;
}

/// The SAX handler. Depth 1 is the envelope, 2 is `meta` or `data`, 3 an item of a `data` array.
class reply_handler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  reply_handler(envelope& env, const data_binding& data) : env_(env), data_(data) {}

  bool root_is_object() const noexcept { return root_is_object_; }
  bool has_status() const noexcept { return has_status_; }

  /// Settles what could only be decided at the end (fallbacks between spellings).
  void finish() {
    env_.meta.per_page = per_page_camel_ ? per_page_camel_ : per_page_;
    env_.meta.page_count = page_count_camel_ ? page_count_camel_ : page_count_;
    env_.next_step = next_step_camel_ ? std::move(next_step_camel_) : std::move(next_step_);
    if (!env_.code && env_.has_data) env_.code = std::move(data_code_);
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }
  bool on_number_part(json::string_view, error_code&) { return true; }

  bool on_object_begin(error_code&) { return begin(true); }
  bool on_array_begin(error_code&) { return begin(false); }
  bool on_object_end(std::size_t n, error_code&) {
    if (doc_) doc_stack().push_object(n);
    return end();
  }
  bool on_array_end(std::size_t n, error_code&) {
    if (doc_) doc_stack().push_array(n);
    return end();
  }

  bool on_key_part(json::string_view s, std::size_t, error_code&) { return piece(s); }
  bool on_key(json::string_view s, std::size_t, error_code&) {
    if (doc_) doc_stack().push_key(s);
    if (!skip_from_) key(whole(s));
    parts_.clear();
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, error_code&) { return piece(s); }
  bool on_string(json::string_view s, std::size_t, error_code&) {
    if (doc_) doc_stack().push_string(s);
    scalar v{scalar::kind::string};
    v.s = whole(s);
    value(v);
    parts_.clear();
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, error_code&) {
    if (doc_) doc_stack().push_int64(i);
    scalar v{scalar::kind::int64};
    v.i = i;
    return value(v);
  }
  bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
    if (doc_) doc_stack().push_uint64(u);
    scalar v{scalar::kind::uint64};
    v.u = u;
    return value(v);
  }
  bool on_double(double d, json::string_view, error_code&) {
    if (doc_) doc_stack().push_double(d);
    scalar v{scalar::kind::double_};
    v.d = d;
    return value(v);
  }
  bool on_bool(bool b, error_code&) {
    if (doc_) doc_stack().push_bool(b);
    scalar v{scalar::kind::boolean};
    v.b = b;
    return value(v);
  }
  bool on_null(error_code&) {
    if (doc_) doc_stack().push_null();
    return value(scalar{scalar::kind::null});
  }

 private:
  /// A piece of a key or string the parser delivers before the rest (escapes, splits).
  bool piece(json::string_view s) {
    if (doc_) doc_stack().push_chars(s);
    if (!skip_from_) parts_.append(s.data(), s.size());
    return true;
  }

  std::string_view whole(json::string_view last) {
    if (parts_.empty()) return {last.data(), last.size()};
    parts_.append(last.data(), last.size());
    return parts_;
  }

  json::value_stack& doc_stack() {
    if (!doc_stack_) doc_stack_.emplace(env_.data_document.storage());
    return *doc_stack_;
  }

  /// The role of the container at `depth` (only the first levels have one).
  role at(std::size_t depth) const noexcept {
    return depth < max_roles ? roles_[depth] : role::other;
  }

  void key(std::string_view k) {
    switch (at(depth_)) {
      case role::root:
        top_ = classify_top(k);
        if (top_ == top_key::data) start_data();
        if (top_ == top_key::meta) start_meta();
        break;
      case role::meta:
        meta_ = classify_meta(k);
        break;
      case role::data_object:
      case role::item:
        field_ = find_field(k);
        is_code_ = at(depth_) == role::data_object && k == "code";
        break;
      default:
        break;
    }
  }

  bool value(const scalar& v) {
    if (!skip_from_) {
      switch (at(depth_)) {
        case role::other:
          if (depth_ == 0) root_is_object_ = false;  // the whole body is a scalar
          break;
        case role::root:
          top_value(&v);
          break;
        case role::meta:
          meta_value(&v);
          break;
        case role::data_object:
        case role::item:
          field_value(&v);
          break;
        case role::data_array:
          item_not_object();
          break;
      }
    }
    if (doc_ && depth_ == 1) finish_document();  // `data` was a scalar
    return true;
  }

  bool begin(bool is_object) {
    ++depth_;
    if (skip_from_) return true;
    role r = role::other;
    switch (depth_ == 1 ? role::other : at(depth_ - 1)) {
      case role::other:
        if (depth_ == 1) {
          root_is_object_ = is_object;
          if (is_object) r = role::root;
        }
        break;
      case role::root:
        if (top_ == top_key::data) {
          r = data_begin(is_object);
        } else if (top_ == top_key::meta && is_object) {
          r = role::meta;
        } else {
          top_value(nullptr);
        }
        break;
      case role::meta:
        meta_value(nullptr);
        break;
      case role::data_object:
      case role::item:
        field_value(nullptr);
        break;
      case role::data_array:
        if (is_object && env_.data_error.empty()) {
          bind_fields();
          r = role::item;
        } else {
          item_not_object();
        }
        break;
    }
    if (r == role::other)
      skip_from_ = depth_;
    else
      roles_[depth_] = r;  // depth_ < max_roles: roles are given to the first levels only
    return true;
  }

  bool end() {
    if (skip_from_) {
      if (depth_ == skip_from_) skip_from_ = 0;
    } else if (at(depth_) == role::data_object) {
      if (data_.kind == data_binding::shape::object) check_fields(-1);
    } else if (at(depth_) == role::item) {
      if (env_.data_error.empty()) check_fields(static_cast<std::ptrdiff_t>(item_));
      ++item_;
    }
    --depth_;
    if (doc_ && depth_ == 1) finish_document();  // `data` was an object or an array
    return true;
  }

  // --- the envelope's own members -------------------------------------------------------

  /// A member of the envelope; `v` is null for an object or array.
  void top_value(const scalar* v) {
    switch (top_) {
      case top_key::status:
        has_status_ = v && v->k == scalar::kind::boolean;
        env_.status = has_status_ && v->b;
        break;
      case top_key::message:
        if (v && v->k == scalar::kind::string)
          env_.message.assign(v->s);
        else
          env_.message.clear();
        break;
      case top_key::type:
        env_.type = v ? text(*v) : std::nullopt;
        break;
      case top_key::code:
        env_.code = v ? text(*v) : std::nullopt;
        break;
      case top_key::data:  // a scalar `data` (containers go through data_begin)
        env_.has_data = v->k != scalar::kind::null;
        if (env_.has_data) data_wrong_shape();
        break;
      default:
        break;
    }
  }

  void start_meta() {
    env_.meta = {};
    per_page_camel_.reset();
    per_page_.reset();
    page_count_camel_.reset();
    page_count_.reset();
    next_step_camel_.reset();
    next_step_.reset();
  }

  void meta_value(const scalar* v) {
    switch (meta_) {
      case meta_key::next:
        env_.meta.next = v ? cursor(*v) : std::nullopt;
        break;
      case meta_key::previous:
        env_.meta.previous = v ? cursor(*v) : std::nullopt;
        break;
      case meta_key::per_page_camel:
        per_page_camel_ = v ? v->to_int64() : std::nullopt;
        break;
      case meta_key::per_page:
        per_page_ = v ? v->to_int64() : std::nullopt;
        break;
      case meta_key::total:
        env_.meta.total = v ? v->to_int64() : std::nullopt;
        break;
      case meta_key::skipped:
        env_.meta.skipped = v ? v->to_int64() : std::nullopt;
        break;
      case meta_key::page:
        env_.meta.page = v ? v->to_int64() : std::nullopt;
        break;
      case meta_key::page_count_camel:
        page_count_camel_ = v ? v->to_int64() : std::nullopt;
        break;
      case meta_key::page_count:
        page_count_ = v ? v->to_int64() : std::nullopt;
        break;
      case meta_key::next_step_camel:
        next_step_camel_ = v ? text(*v) : std::nullopt;
        break;
      case meta_key::next_step:
        next_step_ = v ? text(*v) : std::nullopt;
        break;
      default:
        break;
    }
  }

  // --- data -----------------------------------------------------------------------------

  void start_data() {
    if (data_.reset) data_.reset(data_.model);
    env_.has_data = false;
    env_.data_error.clear();
    data_code_.reset();
    fields_.size = 0;
    item_ = 0;
    if (data_.kind == data_binding::shape::document) {
      doc_stack().reset(env_.data_document.storage());
      doc_ = true;
    }
  }

  void finish_document() {
    env_.data_document = doc_stack().release();
    doc_ = false;
  }

  role data_begin(bool is_object) {
    env_.has_data = true;
    const auto shape = data_.kind;
    if (is_object) {
      if (shape == data_binding::shape::object) {
        bind_fields();
      } else if (shape == data_binding::shape::array_of_objects) {
        data_wrong_shape();
      }
      return role::data_object;  // watched for `code` whatever the shape
    }
    if (shape == data_binding::shape::array_of_objects) return role::data_array;
    data_wrong_shape();
    return role::other;
  }

  void data_wrong_shape() {
    if (data_.kind == data_binding::shape::object) env_.data_error = "data: expected an object";
    if (data_.kind == data_binding::shape::array_of_objects)
      env_.data_error = "data: expected an array";
  }

  void item_not_object() {
    if (env_.data_error.empty())
      env_.data_error = "data[" + std::to_string(item_) + "]: expected an object";
    ++item_;
  }

  /// Lists the members of the next model object (adding an item for arrays) and forgets what
  /// was seen of the previous one.
  void bind_fields() {
    data_.bind(data_.model, fields_);
    for (auto& s : state_) s = field_state::absent;
    field_ = -1;
    next_field_ = 0;
    is_code_ = false;
  }

  /// The index of the member named `k`, or -1. Replies usually list members in the model's
  /// order, so the one after the last match is tried first.
  int find_field(std::string_view k) noexcept {
    const std::size_t n = fields_.size;
    for (std::size_t tried = 0, i = next_field_; tried < n; ++tried, i = i + 1 < n ? i + 1 : 0) {
      if (fields_.items[i].key == k) {
        next_field_ = i + 1 < n ? i + 1 : 0;
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  /// A member of a model object (or `data.code`); `v` is null for an object or array.
  void field_value(const scalar* v) {
    if (is_code_) data_code_ = v ? text(*v) : std::nullopt;
    if (field_ < 0) return;
    const auto& f = fields_.items[field_];
    state_[field_] = v && store(f.target, *v) ? field_state::ok : field_state::wrong;
  }

  /// Reports the first member, in the listed order, that is missing or did not fit. `item` is
  /// the index in a `data` array, or -1 for `data` itself; the path is only built for an error.
  void check_fields(std::ptrdiff_t item) {
    for (std::size_t i = 0; i < fields_.size; ++i) {
      const auto& f = fields_.items[i];
      std::string_view what;
      if (state_[i] == field_state::absent && is_required(f.target))
        what = "missing";
      else if (state_[i] == field_state::wrong)
        what = expected(f.target);
      else if (const auto* id = std::get_if<id_text>(&f.target); id && id->value->empty())
        what = "must not be empty";
      if (what.empty()) continue;
      env_.data_error = item < 0 ? "data" : "data[" + std::to_string(item) + "]";
      env_.data_error.append(".").append(f.key).append(": ").append(what);
      return;
    }
  }

  static constexpr std::size_t max_roles = 4;
  enum class field_state : std::uint8_t { absent, ok, wrong };

  envelope& env_;
  const data_binding& data_;
  std::size_t depth_ = 0;      // open objects and arrays
  std::size_t skip_from_ = 0;  // depth of a container skipped whole; 0 when none
  role roles_[max_roles] = {};
  bool root_is_object_ = false;
  bool has_status_ = false;
  top_key top_ = top_key::other;
  meta_key meta_ = meta_key::other;
  std::optional<std::int64_t> per_page_camel_, per_page_;
  std::optional<std::int64_t> page_count_camel_, page_count_;
  std::optional<std::string> next_step_camel_, next_step_;
  std::optional<std::string> data_code_;
  field_list fields_;
  field_state state_[field_list::capacity] = {};
  int field_ = -1;
  std::size_t next_field_ = 0;
  bool is_code_ = false;
  std::size_t item_ = 0;
  bool doc_ = false;
  std::optional<json::value_stack> doc_stack_;
  std::string parts_;  // a key or string the parser delivered in pieces
};

}  // namespace

boost::system::error_code parse_envelope(std::string_view body, envelope& out,
                                         const data_binding& data, std::string& detail) {
  json::basic_parser<reply_handler> parser(json::parse_options{}, out, data);
  error_code ec;
  const auto n = parser.write_some(false, body.data(), body.size(), ec);
  if (!ec && n < body.size()) ec = json::error::extra_data;
  if (ec) {
    detail = body.empty() ? "empty reply body" : "reply body is not JSON (" + ec.message() + ")";
    return error::bad_response;
  }
  auto& h = parser.handler();
  if (!h.root_is_object()) {
    detail = "reply body is not a JSON object";
    return error::bad_response;
  }
  if (!h.has_status()) {
    detail = "reply has no boolean \"status\"";
    return error::bad_response;
  }
  h.finish();
  return {};
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
