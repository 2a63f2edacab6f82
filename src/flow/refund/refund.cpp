// Exactly-once refunds (paystack/refund_flow.hpp, doc/refunds.md,
// doc/adr/refund-0001-marker-and-serialisation.md): the key's record, the transaction's refund
// lease, the lookup of the key's refund by its marker, the write-ahead "sending" record, the one
// POST /refund and its result.
#include <algorithm>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/refund_client.hpp>
#include <paystack/refund_flow.hpp>
#include <paystack/transaction_client.hpp>
#include <set>

#include "charge/charge_journal.hpp"
#include "failpoint.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

constexpr auto use = asio::as_tuple(asio::use_awaitable);

/// The marker the key's refund carries at the end of its merchant_note ("[key:KEY]", after a
/// space when the caller gave a note of their own): found by ends_with whether or not Paystack
/// keeps a note's leading space.
std::string refund_marker(const std::string& key) {
  return "[key:" + key + "]";
}

/// The merchant_note sent: the caller's note, a space and the marker; the marker alone without.
std::string marked_note(const std::optional<std::string>& note, const std::string& key) {
  if (!note || note->empty()) return refund_marker(key);
  return *note + " " + refund_marker(key);
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Why `p` cannot be refunded (empty when it can); nothing is sent for a refusal.
std::string check_params(const refund_params& p, bool resume_only) {
  if (!p.store) return "a keyed refund needs a store";
  if (auto why = check_charge_key(p.key); !why.empty()) return why;
  if (resume_only) return {};
  if (p.transaction.empty() || p.transaction.size() > 100)
    return "transaction must be 1 to 100 characters (its id or reference)";
  if (p.amount < 1) return "amount must be at least 1 (subunits)";
  if (p.wait < 0ms || p.wait > 10min) return "wait must be 0 to 10 minutes";
  if (p.lease_ttl < 1s || p.lease_ttl > 10min) return "lease_ttl must be 1 second to 10 minutes";
  if (marked_note(p.merchant_note, p.key).size() > create_refund_params::max_note_length)
    return "merchant_note with the key's marker is longer than " +
           std::to_string(create_refund_params::max_note_length) + " bytes";
  return {};
}

/// The refund leases of stores that lease nothing across processes (the memory store): held in
/// this process, by store and lease name, so that the refunds of one transaction through one such
/// store still go one at a time (never two lookups before one create).
class local_refund_leases {
 public:
  static bool acquire(const charge_store* store, const std::string& name) {
    std::lock_guard lk(mutex());
    return held().emplace(store, name).second;
  }
  static void release(const charge_store* store, const std::string& name) {
    std::lock_guard lk(mutex());
    held().erase({store, name});
  }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::set<std::pair<const charge_store*, std::string>>& held() {
    static std::set<std::pair<const charge_store*, std::string>> h;
    return h;
  }
};

/// What the transaction's refunds say about the key's refund.
struct lookup {
  std::optional<refund> ours;  ///< the key's refund, found by its marker and amount
  std::int64_t others = 0;     ///< the amount of the other refunds not failed
  std::int64_t counted = 0;    ///< refunds listed
};

class refund_run : public std::enable_shared_from_this<refund_run> {
 public:
  refund_run(terminal_client client, refund_params p, bool resume_only)
      : client_(std::move(client)),
        refunds_(client_),
        transactions_(client_),
        p_(std::move(p)),
        resume_only_(resume_only) {
    r_.key = p_.key;
  }

  asio::awaitable<std::pair<error_code, refund_result>> run() {
    auto ec = co_await start();
    if (!ec && rec_.stage != refund_journal_stage::finished) ec = co_await under_lease();
    co_return std::pair(ec, std::move(r_));
  }

 private:
  /// Loads or inserts the key's record; a finished one is replayed.
  asio::awaitable<error_code> start() {
    if (resume_only_) {
      auto load = p_.store->async_load_refund(p_.key, use);
      auto [ec, rec] = co_await std::move(load);
      if (ec) co_return fail(ec, "the store could not be read");
      if (!rec) co_return fail(error::invalid_argument, "no refund is recorded under this key");
      rec_ = std::move(*rec);
      p_.transaction = rec_.transaction;
      p_.amount = rec_.amount;
      if (!rec_.currency.empty()) p_.currency = rec_.currency;
    } else {
      refund_record initial;
      initial.key = p_.key;
      initial.transaction = p_.transaction;
      initial.amount = p_.amount;
      initial.currency = p_.currency.value_or("");
      auto begin = p_.store->async_begin_refund(std::move(initial), use);
      auto [ec, rec, inserted] = co_await std::move(begin);
      if (ec) co_return fail(ec, "the store could not record the refund");
      if (inserted) failpoint("refund_after_begin");  // the key's first record, stage started
      rec_ = std::move(rec);
      if (!inserted && (rec_.transaction != p_.transaction || rec_.amount != p_.amount))
        co_return fail(error::invalid_argument, "the key is recorded for another refund (" +
                                                    rec_.transaction + ", " +
                                                    std::to_string(rec_.amount) + ")");
    }
    r_.refund_id = rec_.refund_id;
    r_.transaction_id = rec_.transaction_id;
    if (rec_.stage == refund_journal_stage::finished) {
      r_.outcome = rec_.outcome.value_or(refund_outcome::failed);
      r_.reason = rec_.reason;
      r_.replayed = true;
    } else {
      r_.resumed = resume_only_ || rec_.version > 1;
    }
    co_return error_code{};
  }

  /// Reads the transaction, takes its refund lease and does the rest under it.
  asio::awaitable<error_code> under_lease() {
    auto ec = co_await read_transaction();
    if (ec || r_.outcome == refund_outcome::refused) co_return ec;
    bool held = false;
    ec = co_await take_lease(held);
    if (ec || !held) co_return ec;
    ec = co_await decide_and_send();
    if (!p_.store->leases_terminals()) {
      local_refund_leases::release(p_.store.get(), lease_name());
      co_return ec;
    }
    auto release = p_.store->async_release_lease(lease_name(), std::string(), lease_token_, use);
    co_await std::move(release);
    co_return ec;
  }

  std::string lease_name() const { return "refund:txn:" + std::to_string(*r_.transaction_id); }

  /// GET /transaction/{id} (digits) or /transaction/verify/{reference}.
  asio::awaitable<error_code> read_transaction() {
    std::tuple<error_code, response<transaction>> got;
    if (all_digits(p_.transaction)) {
      auto op = transactions_.async_fetch_transaction(std::stoll(p_.transaction), use);
      got = co_await std::move(op);
    } else {
      auto op = transactions_.async_verify_transaction(p_.transaction, use);
      got = co_await std::move(op);
    }
    auto& [ec, resp] = got;
    note_reply(ec, resp);
    if (ec) co_return fail(ec, "the transaction could not be read: " + resp.error_detail);
    if (!resp.ok() || !resp.data) {
      if (resp.status_code >= 500 || resp.status_code == 429)
        co_return fail(error::bad_response, "the transaction could not be read: " + resp.message);
      {
        auto outcome_ec = co_await finish(refund_outcome::refused,
                                          "Paystack did not give the transaction: " + resp.message);
        co_return outcome_ec;
      }
    }
    r_.transaction_id = resp.data->id;
    r_.transaction_amount = resp.data->amount;
    co_return error_code{};
  }

  /// Takes the transaction's refund lease, waiting up to p_.wait for another holder.
  asio::awaitable<error_code> take_lease(bool& held) {
    const auto until = std::chrono::steady_clock::now() + p_.wait;
    for (milliseconds pause = 50ms;; pause = std::min(pause * 2, milliseconds(500))) {
      auto acquire =
          p_.store->async_acquire_lease(lease_name(), "refund:" + p_.key, p_.lease_ttl, use);
      auto [ec, lease] = co_await std::move(acquire);
      if (ec) co_return fail(ec, "the store could not lease the transaction's refunds");
      // A store without leases grants every call: the lease is this process's.
      if (!p_.store->leases_terminals() &&
          !local_refund_leases::acquire(p_.store.get(), lease_name())) {
        lease.acquired = false;
        lease.charge_key = "a refund";
        lease.holder = "this process";
      }
      if (lease.acquired) {
        lease_token_ = lease.fencing_token;
        held = true;
        co_return error_code{};
      }
      if (std::chrono::steady_clock::now() + pause > until) {
        r_.outcome = refund_outcome::busy;
        r_.reason = "another refund of the transaction (" + lease.charge_key + ", held by " +
                    lease.holder + ") did not finish in time; nothing was sent";
        co_return error_code{};
      }
      auto ex = co_await asio::this_coro::executor;
      asio::steady_timer timer(ex, pause);
      auto wait = timer.async_wait(use);
      co_await std::move(wait);
    }
  }

  /// The transaction's refunds, every page: the key's refund and the amount of the others.
  asio::awaitable<error_code> find(lookup& out) {
    list_refunds_params lp;
    lp.transaction = std::to_string(*r_.transaction_id);
    lp.per_page = 100;
    const auto marker = refund_marker(p_.key);
    auto walk = refunds_.async_for_each_refund(
        lp, 10'000,
        [&](const refund& f) {
          ++out.counted;
          if (!out.ours && f.amount == p_.amount && f.merchant_note &&
              f.merchant_note->ends_with(marker))
            out.ours = f;
          else if (f.status != refund_status::failed)
            out.others += f.amount;
          return true;
        },
        use);
    auto [ec, resp] = co_await std::move(walk);
    if (ec) {
      r_.last_status = 0;
      r_.last_message = ec.message();
      co_return fail(ec, "the transaction's refunds could not be listed: " + resp.error_detail);
    }
    if (!resp.ok()) {
      r_.last_status = resp.status_code;
      r_.last_message = resp.message;
      co_return fail(error::bad_response,
                     "the transaction's refunds could not be listed: " + resp.message);
    }
    r_.refunded_before = out.others;
    co_return error_code{};
  }

  /// Under the lease: the key's refund found, or the amount checked, journalled and sent.
  asio::awaitable<error_code> decide_and_send() {
    lookup seen;
    auto ec = co_await find(seen);
    if (ec) co_return ec;
    if (seen.ours) {
      auto outcome_ec = co_await found(*seen.ours);
      co_return outcome_ec;
    }
    const auto total = *r_.transaction_amount;
    if (seen.others + p_.amount > total) {
      auto outcome_ec = co_await finish(refund_outcome::refused,
                                        "refunding " + std::to_string(p_.amount) +
                                            " would take the refunds of the transaction (" +
                                            std::to_string(total) +
                                            ") over its amount: " + std::to_string(seen.others) +
                                            " refunded already; nothing was sent");
      co_return outcome_ec;
    }
    ec = co_await record(refund_journal_stage::sending,
                         "POST /refund (" + std::to_string(seen.counted) + " refunds listed, " +
                             std::to_string(seen.others) + " refunded)");
    if (ec) co_return ec;
    failpoint("refund_before_send");
    {
      auto outcome_ec = co_await send();
      co_return outcome_ec;
    }
  }

  asio::awaitable<error_code> send() {
    create_refund_params cp;
    cp.transaction = std::to_string(*r_.transaction_id);
    cp.amount = p_.amount;
    cp.currency = p_.currency;
    cp.customer_note = p_.customer_note;
    cp.merchant_note = marked_note(p_.merchant_note, p_.key);
    auto create = refunds_.async_create_refund(std::move(cp), use);
    auto [ec, resp] = co_await std::move(create);
    failpoint("refund_after_send");
    note_reply(ec, resp);
    if (!ec && resp.ok() && resp.data) {
      auto outcome_ec = co_await created(*resp.data);
      co_return outcome_ec;
    }
    const bool refused = !ec && resp.status_code >= 400 && resp.status_code < 500 &&
                         resp.status_code != 429 && !resp.status;
    if (refused) {
      auto outcome_ec =
          co_await finish(refund_outcome::refused, "Paystack refused the refund: " + resp.message);
      co_return outcome_ec;
    }
    // No usable reply: the refund may exist. Look once more before saying anything.
    lookup again;
    auto lec = co_await find(again);
    if (!lec && again.ours) {
      auto outcome_ec = co_await found(*again.ours);
      co_return outcome_ec;
    }
    r_.outcome = refund_outcome::failed;
    r_.reason = "the reply to POST /refund was lost (" +
                (ec ? ec.message() : "HTTP " + std::to_string(resp.status_code)) +
                ") and the refund was not found" + (lec ? " (the lookup failed too)" : "") +
                ": resume the key to look again before anything is sent";
    co_return ec ? ec : error_code(error::bad_response);
  }

  asio::awaitable<error_code> created(const refund& f) {
    rec_.refund_id = r_.refund_id = f.id;
    rec_.refund_status = f.status_text;
    r_.data = f;
    {
      auto outcome_ec =
          co_await finish(refund_outcome::refunded,
                          "refund " + std::to_string(f.id) + " created (" + f.status_text + ")");
      co_return outcome_ec;
    }
  }

  asio::awaitable<error_code> found(const refund& f) {
    rec_.refund_id = r_.refund_id = f.id;
    rec_.refund_status = f.status_text;
    r_.data = f;
    r_.found = true;
    {
      auto outcome_ec = co_await finish(
          refund_outcome::refunded,
          "refund " + std::to_string(f.id) + " found by its marker (" + f.status_text + ")");
      co_return outcome_ec;
    }
  }

  /// Records the outcome (stage finished).
  asio::awaitable<error_code> finish(refund_outcome o, std::string reason) {
    r_.outcome = o;
    r_.reason = reason;
    rec_.outcome = o;
    rec_.reason = reason;
    auto ec =
        co_await record(refund_journal_stage::finished, std::string(to_string(o)) + ": " + reason);
    if (!ec) failpoint("refund_after_record");
    co_return ec;
  }

  asio::awaitable<error_code> record(refund_journal_stage s, std::string detail) {
    auto next = rec_;
    next.stage = s;
    next.transaction_id = r_.transaction_id;
    auto save = p_.store->async_save_refund(std::move(next), std::move(detail), use);
    auto [ec, stored] = co_await std::move(save);
    if (ec) {
      r_.outcome = refund_outcome::failed;
      r_.reason =
          "the store could not record the refund (" + ec.message() + "): nothing more was sent";
      co_return ec;
    }
    rec_ = std::move(stored);
    co_return error_code{};
  }

  template <class T>
  void note_reply(const error_code& ec, const response<T>& resp) {
    r_.last_status = ec ? 0 : resp.status_code;
    r_.last_message = ec ? ec.message() : resp.message;
  }

  error_code fail(error_code ec, std::string reason) {
    r_.outcome = refund_outcome::failed;
    r_.reason = std::move(reason);
    return ec;
  }

  terminal_client client_;
  refund_client refunds_;
  transaction_client transactions_;
  refund_params p_;
  bool resume_only_;
  refund_record rec_;
  refund_result r_;
  std::int64_t lease_token_ = 0;
};

}  // namespace

void start_keyed_refund(terminal_client client, refund_params params, bool resume_only,
                        asio::any_completion_handler<refund_signature> handler) {
  auto refuse = [&](error_code ec, std::string reason) {
    refund_result r;
    r.key = params.key;
    r.reason = std::move(reason);
    asio::post(client.get_executor(), asio::append(std::move(handler), ec, std::move(r)));
  };
  if (auto ec = client.configuration_error())
    return refuse(ec, "the client is misconfigured: " + ec.message());
  if (auto why = check_params(params, resume_only); !why.empty())
    return refuse(error::invalid_argument, std::move(why));
  auto ex = asio::get_associated_executor(handler, client.get_executor());
  auto strand = asio::make_strand(client.get_executor());
  auto run = std::make_shared<refund_run>(std::move(client), std::move(params), resume_only);
  asio::co_spawn(
      strand, [run]() { return run->run(); },
      asio::bind_executor(ex,
                          [h = std::move(handler)](std::exception_ptr ep,
                                                   std::pair<error_code, refund_result> o) mutable {
                            if (ep) std::rethrow_exception(ep);
                            std::move(h)(o.first, std::move(o.second));
                          }));
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
