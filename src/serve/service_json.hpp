// The charge service's JSON: strict parsing of a charge request, the charge document, queries.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <paystack/charge_store.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace paystack {
inline namespace v0 {
namespace serve {

/// A refused input: the field it names (may be empty) and why.
struct input_error {
  std::string field;
  std::string message;
};

/// POST /v1/charges, as parsed.
struct charge_request {
  std::string key;
  std::string terminal_id;
  std::int64_t amount = 0;
  std::string customer;
  std::optional<std::string> currency;
  std::optional<std::string> description;
  bool wait_for_terminal = false;
  bool keep_open = false;
};

/// Largest amount accepted (subunits), as the CLI's `charge --amount`.
inline constexpr std::int64_t max_amount = 1'000'000'000'000;

/// Parses and checks a POST /v1/charges body: every field typed and in range, no other field.
/// `not_json` is set when the body is not a JSON object at all.
std::optional<charge_request> parse_charge_request(std::string_view body, input_error& why);

/// Why `key` is not a charge key ("" when it is one): 1 to 64 of A-Z a-z 0-9 . _ : -.
std::string check_key(std::string_view key);

/// The request's fingerprint (charge_record::request_fingerprint): "sha256:" and the hex SHA-256
/// of every field of `req` in a fixed order, absent ones told apart from empty ones.
std::string request_fingerprint(const charge_request& req);

/// Whether a stored record is the charge `req` asks for: the same terminal, amount, customer and
/// currency, and the same fingerprint when the record has one (a record begun before
/// fingerprints were stored, or by another program, is compared by those columns alone).
bool same_charge(const charge_record& rec, const charge_request& req);

/// The record the service inserts for `req` (charge_store::async_begin).
charge_record record_of(const charge_request& req);

/// The charge document (journal included when `journal` is given).
boost::json::object charge_document(const charge_record& rec,
                                    const std::vector<charge_journal_entry>* journal,
                                    bool running_here);

/// One journal entry.
boost::json::object journal_entry(const charge_journal_entry& e);

/// Splits `target` into its path and its query parameters; false (and why) for a repeated or
/// ill-formed parameter.
bool split_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string>& query, input_error& why);

/// Parses an unsigned integer query value in [lo, hi].
std::optional<std::int64_t> query_integer(std::string_view text, std::int64_t lo, std::int64_t hi);

/// Constant-time comparison of an Authorization header with `Bearer <token>`.
bool bearer_matches(std::string_view authorization, std::string_view token);

}  // namespace serve
}  // namespace v0
}  // namespace paystack
