// The charge service's JSON and input checks (service_json.hpp).
#include "service_json.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>

namespace paystack {
inline namespace v0 {
namespace serve {

namespace json = boost::json;

namespace {

bool id_char(char c, std::string_view extra) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         extra.find(c) != std::string_view::npos;
}

bool all_of(std::string_view s, std::string_view extra) {
  for (char c : s)
    if (!id_char(c, extra)) return false;
  return true;
}

json::value opt(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

/// A required or optional string field with a size and character check.
bool take_string(const json::object& o, std::string_view name, bool required, std::size_t max,
                 std::string_view extra, std::optional<std::string>& out, input_error& why) {
  auto it = o.find(name);
  if (it == o.end() || (!required && it->value().is_null())) {
    if (required) why = {std::string(name), std::string(name) + " is required"};
    return !required;
  }
  if (!it->value().is_string()) {
    why = {std::string(name), std::string(name) + " must be a string"};
    return false;
  }
  std::string_view s = it->value().get_string();
  if (s.empty() || s.size() > max) {
    why = {std::string(name),
           std::string(name) + " must have 1 to " + std::to_string(max) + " characters"};
    return false;
  }
  if (!extra.empty() && !all_of(s, extra)) {
    why = {std::string(name), std::string(name) + " may hold only A-Z a-z 0-9 and " +
                                  std::string(extra.substr(0, extra.size()))};
    return false;
  }
  out = std::string(s);
  return true;
}

bool take_bool(const json::object& o, std::string_view name, bool& out, input_error& why) {
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return true;
  if (!it->value().is_bool()) {
    why = {std::string(name), std::string(name) + " must be true or false"};
    return false;
  }
  out = it->value().get_bool();
  return true;
}

bool take_amount(const json::object& o, std::int64_t& out, input_error& why) {
  auto it = o.find("amount");
  if (it == o.end()) {
    why = {"amount", "amount is required (in the currency's subunit: 5000 = 50.00)"};
    return false;
  }
  const auto& v = it->value();
  const std::string range = "amount must be an integer from 1 to " + std::to_string(max_amount);
  if (v.is_int64() && v.get_int64() >= 1 && v.get_int64() <= max_amount) {
    out = v.get_int64();
    return true;
  }
  why = {"amount", v.is_number() ? range : "amount must be a number (an integer): " + range};
  return false;
}

}  // namespace

std::string check_key(std::string_view key) {
  if (key.empty() || key.size() > 64) return "key must have 1 to 64 characters";
  if (!all_of(key, "._:-")) return "key may hold only A-Z a-z 0-9 . _ : -";
  return {};
}

std::optional<charge_request> parse_charge_request(std::string_view body, input_error& why) {
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 8;
  auto v = json::parse(body, ec, {}, po);
  if (ec || !v.is_object()) {
    why = {"", ec ? "the body is not JSON: " + ec.message() : "the body must be a JSON object"};
    return std::nullopt;
  }
  const auto& o = v.get_object();
  static constexpr std::string_view known[] = {
      "key",         "terminal_id",       "amount",   "customer", "currency",
      "description", "wait_for_terminal", "keep_open"};
  for (const auto& f : o) {
    if (std::find(std::begin(known), std::end(known), f.key()) == std::end(known)) {
      why = {std::string(f.key()).substr(0, 64),
             "unknown field (accepted: key, terminal_id, "
             "amount, customer, currency, description, "
             "wait_for_terminal, keep_open)"};
      return std::nullopt;
    }
  }
  charge_request r;
  std::optional<std::string> s;
  if (!take_string(o, "key", true, 1000, "", s, why)) return std::nullopt;
  if (auto bad = check_key(*s); !bad.empty()) {
    why = {"key", bad};
    return std::nullopt;
  }
  r.key = *s;
  if (!take_string(o, "terminal_id", true, 64, "_-", s, why)) return std::nullopt;
  r.terminal_id = *s;
  if (!take_amount(o, r.amount, why)) return std::nullopt;
  if (!take_string(o, "customer", true, 128, "_-.@+", s, why)) return std::nullopt;
  r.customer = *s;
  if (!take_string(o, "currency", false, 3, "", r.currency, why)) return std::nullopt;
  static constexpr std::string_view currencies[] = {"NGN", "GHS", "ZAR", "USD", "KES"};
  if (r.currency && std::find(std::begin(currencies), std::end(currencies), *r.currency) ==
                        std::end(currencies)) {
    why = {"currency", "currency must be one of NGN, GHS, ZAR, USD, KES"};
    return std::nullopt;
  }
  if (!take_string(o, "description", false, 1000, "", r.description, why)) return std::nullopt;
  if (!take_bool(o, "wait_for_terminal", r.wait_for_terminal, why)) return std::nullopt;
  if (!take_bool(o, "keep_open", r.keep_open, why)) return std::nullopt;
  return r;
}

std::string request_fingerprint(const charge_request& req) {
  auto opt = [](const std::optional<std::string>& s) {
    return s ? json::value(*s) : json::value(nullptr);
  };
  // Version 1 of the form; a later form gets another prefix inside the digest.
  const auto text = json::serialize(
      json::array{"charge-request/1", req.key, req.terminal_id, req.amount, req.customer,
                  opt(req.currency), opt(req.description), req.wait_for_terminal, req.keep_open});
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  if (EVP_Digest(text.data(), text.size(), md.data(), &n, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < n; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xF];
  }
  return out;
}

bool same_charge(const charge_record& rec, const charge_request& req) {
  return rec.terminal_id == req.terminal_id && rec.amount == req.amount &&
         rec.customer == req.customer && rec.currency == req.currency.value_or("") &&
         (rec.request_fingerprint.empty() || rec.request_fingerprint == request_fingerprint(req));
}

charge_record record_of(const charge_request& req) {
  charge_record r;
  r.key = req.key;
  r.terminal_id = req.terminal_id;
  r.customer = req.customer;
  r.amount = req.amount;
  r.currency = req.currency.value_or("");
  r.request_fingerprint = request_fingerprint(req);
  return r;
}

json::object journal_entry(const charge_journal_entry& e) {
  return json::object{{"sequence", e.sequence},
                      {"stage", std::string(to_string(e.stage))},
                      {"at_ms", e.at_ms},
                      {"detail", e.detail}};
}

json::object charge_document(const charge_record& rec,
                             const std::vector<charge_journal_entry>* journal, bool running_here) {
  json::object o{
      {"key", rec.key},
      {"terminal_id", rec.terminal_id},
      {"amount", rec.amount},
      {"currency", rec.currency.empty() ? json::value(nullptr) : json::value(rec.currency)},
      {"customer", rec.customer},
      {"stage", std::string(to_string(rec.stage))},
      {"finished", rec.stage == charge_journal_stage::finished},
      {"open", rec.open},
      {"reason", rec.reason},
      {"request_code", opt(rec.request_code)},
      {"offline_reference", opt(rec.offline_reference)},
      {"event_id", opt(rec.event_id)},
      {"transaction_reference", opt(rec.transaction_reference)},
      {"pushes", rec.pushes},
      {"running_here", running_here},
      {"created_at_ms", rec.created_at_ms},
      {"updated_at_ms", rec.updated_at_ms}};
  o["outcome"] =
      rec.outcome ? json::value(std::string(to_string(*rec.outcome))) : json::value(nullptr);
  if (journal) {
    json::array a;
    for (const auto& e : *journal) a.push_back(journal_entry(e));
    o["journal"] = std::move(a);
  }
  return o;
}

bool split_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string>& query, input_error& why) {
  auto q = target.find('?');
  path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return true;
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string name(part.substr(0, eq));
    std::string value(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
    if (name.size() > 32 || !all_of(name, "_")) {
      why = {"", "ill-formed query parameter"};
      return false;
    }
    if (!query.emplace(name, value).second) {
      why = {name, name + " is given twice"};
      return false;
    }
  }
  return true;
}

std::optional<std::int64_t> query_integer(std::string_view text, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || text.empty() || v < lo || v > hi)
    return std::nullopt;
  return v;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view scheme = "Bearer ";
  const bool has_scheme =
      authorization.size() >= scheme.size() && authorization.substr(0, scheme.size()) == scheme;
  const auto given = has_scheme ? authorization.substr(scheme.size()) : std::string_view{};
  // Equal-length digests compared in constant time: neither the token's length nor its
  // characters show in the time taken.
  std::array<unsigned char, EVP_MAX_MD_SIZE> a{}, b{};
  unsigned int na = 0, nb = 0;
  if (EVP_Digest(given.data(), given.size(), a.data(), &na, EVP_sha256(), nullptr) != 1 ||
      EVP_Digest(token.data(), token.size(), b.data(), &nb, EVP_sha256(), nullptr) != 1)
    return false;
  const bool same = CRYPTO_memcmp(a.data(), b.data(), na) == 0;
  return has_scheme && !token.empty() && same;
}

}  // namespace serve
}  // namespace v0
}  // namespace paystack
