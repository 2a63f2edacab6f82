// The charge flow's write-ahead journal (doc/adr/0008-charge-recovery.md): the record of one
// charge key in a charge_store, written before each side effect and after its result. Private
// to src/flow/; used by charge.cpp.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <paystack/charge.hpp>
#include <paystack/charge_store.hpp>
#include <string>

namespace paystack {
inline namespace v0 {
namespace detail {

/// Why `key` cannot be a charge key (empty when it can): 1 to 64 of A-Z a-z 0-9 . _ : -.
std::string check_charge_key(const std::string& key);

/// The marker a charge puts at the end of its payment request's description: " [key:KEY]".
std::string charge_key_marker(const std::string& key);

/// True when `description` ends with the marker of `key`.
bool has_charge_key_marker(const std::optional<std::string>& description, const std::string& key);

/// The result a finished record stands for (nothing is sent): replayed, outcome, reason, what
/// existed.
charge_result replay_result(const charge_record& rec);

/// Fills `r` with what the record says exists (request, event id, delivered).
void restore_result(const charge_record& rec, charge_result& r);

/// Whether a finished charge stays open for a late payment: not delivered, timed out, or failed
/// once a request may exist.
bool stays_open(const charge_result& r, bool request_may_exist);

/// One key's journal.
class charge_journal {
 public:
  charge_journal(std::shared_ptr<charge_store> store, charge_record initial)
      : store_(std::move(store)), rec_(std::move(initial)) {}

  /// Inserts the record, or loads the one the key has.
  boost::asio::awaitable<boost::system::error_code> begin();
  /// False when the key existed before begin().
  bool inserted() const { return inserted_; }
  /// The stored record.
  const charge_record& record() const { return rec_; }
  /// Every later save carries `token` (the terminal lease's; 0: none, the default): refused once
  /// a newer one exists, and without one while another process holds a live lease for the key.
  void set_fencing_token(std::int64_t token) { token_ = token; }

  /// Records stage `s` with what `r` holds, one transaction.
  boost::asio::awaitable<boost::system::error_code> save(charge_journal_stage s,
                                                         const charge_result& r,
                                                         std::string detail);
  /// Records the outcome (stage finished).
  boost::asio::awaitable<boost::system::error_code> finish(const charge_result& r, bool open);
  /// Records that the charge ended unpaid with r.outcome and its request is being archived
  /// (stage archiving; the outcome and reason are kept for a resume).
  boost::asio::awaitable<boost::system::error_code> archiving(const charge_result& r);

 private:
  std::shared_ptr<charge_store> store_;
  /// Writes `next` with `detail` (carrying token_); rec_ becomes the stored record.
  boost::asio::awaitable<boost::system::error_code> write(charge_record next, std::string detail);

  charge_record rec_;
  std::int64_t token_ = 0;
  bool inserted_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace paystack
