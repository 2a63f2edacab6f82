// paystack::charge_store: stage names, the store URL parser, webhook semantic keys, the
// in-memory engine and the adapter that runs an engine's calls asynchronously (inline for
// memory, on the store's own thread for SQLite: doc/adr/0007-charge-store.md).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/append.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <map>
#include <mutex>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <set>
#include <tuple>

#include "flow_metrics.hpp"
#include "store/refund_engine.hpp"
#include "store_engine.hpp"

namespace paystack {
inline namespace v0 {

namespace {
constexpr std::string_view stage_names[] = {"started", "creating",  "created",   "pushing",
                                            "pushed",  "delivered", "archiving", "finished"};
}  // namespace

std::string_view to_string(charge_journal_stage s) noexcept {
  const auto i = static_cast<std::size_t>(s);
  return i < std::size(stage_names) ? stage_names[i] : "unknown";
}

std::optional<charge_journal_stage> journal_stage_from_string(std::string_view text) noexcept {
  for (std::size_t i = 0; i < std::size(stage_names); ++i)
    if (stage_names[i] == text) return static_cast<charge_journal_stage>(i);
  return std::nullopt;
}

std::optional<charge_store_location> parse_charge_store_url(std::string_view url,
                                                            std::string* why) {
  auto fail = [&](std::string text) -> std::optional<charge_store_location> {
    if (why) *why = std::move(text);
    return std::nullopt;
  };
  if (url == "memory:") return charge_store_location{charge_store_engine::memory, {}};
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    if (url.size() == url.find("://") + 3) return fail("the PostgreSQL URL names no server");
    return charge_store_location{charge_store_engine::postgres, std::string(url)};
  }
  std::string_view path = url;
  if (url.starts_with("sqlite:")) {
    path = url.substr(7);
  } else if (auto colon = url.find("://"); colon != std::string_view::npos) {
    return fail("unsupported charge store \"" + std::string(url.substr(0, colon)) +
                "://\": use a file path, sqlite:PATH, postgres://user@host:port/db or memory:");
  }
  if (path.empty()) return fail("the charge store path is empty");
  return charge_store_location{charge_store_engine::sqlite, std::string(path)};
}

void charge_store::do_acquire_lease(
    std::string terminal_id, std::string charge_key, std::chrono::milliseconds,
    boost::asio::any_completion_handler<lease_acquire_signature> h) {
  terminal_lease l;
  l.acquired = true;
  l.terminal_id = std::move(terminal_id);
  l.charge_key = std::move(charge_key);
  boost::asio::post(get_executor(),
                    boost::asio::append(std::move(h), boost::system::error_code{}, std::move(l)));
}

void charge_store::do_release_lease(
    std::string, std::string, std::int64_t,
    boost::asio::any_completion_handler<lease_release_signature> h) {
  boost::asio::post(get_executor(),
                    boost::asio::append(std::move(h), boost::system::error_code{}, false));
}

void charge_store::do_stop_lease(std::string, std::int64_t, std::chrono::milliseconds,
                                 boost::asio::any_completion_handler<lease_release_signature> h) {
  boost::asio::post(get_executor(),
                    boost::asio::append(std::move(h), boost::system::error_code{}, false));
}

void charge_store::do_renew_lease(std::string, std::int64_t, std::chrono::milliseconds,
                                  boost::asio::any_completion_handler<lease_release_signature> h) {
  boost::asio::post(get_executor(),
                    boost::asio::append(std::move(h), boost::system::error_code{}, false));
}

void charge_store::do_claim_webhook(
    std::string, boost::asio::any_completion_handler<webhook_record_signature> h) {
  boost::asio::post(get_executor(),
                    boost::asio::append(std::move(h), boost::system::error_code{}, true));
}

void charge_store::do_list_leases(boost::asio::any_completion_handler<lease_list_signature> h) {
  boost::asio::post(get_executor(), boost::asio::append(std::move(h), boost::system::error_code{},
                                                        std::vector<terminal_lease>{}));
}

std::string webhook_semantic_key(const webhook_event& e) {
  // Scoped by merchant (a receiver of several merchants, ADR 0009); webhook_dedup_key is too.
  const std::string scope = e.merchant.empty() ? std::string() : e.merchant + "/";
  switch (e.type) {
    case webhook_event_type::payment_request_success:
    case webhook_event_type::payment_request_pending: {
      const auto& d = std::get<payment_request>(e.data);
      return scope + e.event + ":" + (d.id != 0 ? std::to_string(d.id) : d.request_code);
    }
    case webhook_event_type::charge_success: {
      const auto& d = std::get<charge_success_data>(e.data);
      if (!d.reference.empty()) return scope + e.event + ":" + d.reference;
      break;
    }
    case webhook_event_type::invoice_payment_failed: {
      const auto& d = std::get<invoice_payment_failed_data>(e.data);
      if (d.invoice_code) return scope + e.event + ":" + *d.invoice_code;
      if (d.request_code) return scope + e.event + ":" + *d.request_code;
      break;
    }
    case webhook_event_type::refund_pending:
    case webhook_event_type::refund_processing:
    case webhook_event_type::refund_processed:
    case webhook_event_type::refund_failed:
    case webhook_event_type::refund_needs_attention:
      // A refund event names no refund id: the exact body identifies it (webhook_dedup_key).
    case webhook_event_type::other:
      break;
  }
  return webhook_dedup_key(e);
}

namespace detail {

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

/// This machine's host name as holders carry it: at most 70 bytes, cut at a UTF-8 boundary;
/// empty when it cannot be read.
std::string holder_host() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return {};
  std::string s(host);
  std::size_t n = 70;
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

}  // namespace

std::string lease_holder_name() {
  static std::atomic<unsigned> stores{0};
  return holder_host() + ":" + std::to_string(::getpid()) + "/" + std::to_string(++stores);
}

bool holder_is_dead(std::string_view holder) {
  const auto colon = holder.rfind(':');
  const auto slash = holder.rfind('/');
  if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon)
    return false;
  const auto host = holder_host();
  if (host.empty() || holder.substr(0, colon) != host) return false;
  const auto digits = holder.substr(colon + 1, slash - colon - 1);
  long pid = 0;
  auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (err != std::errc{} || end != digits.data() + digits.size() || pid <= 1 ||
      pid == static_cast<long>(::getpid()))
    return false;
  return ::kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH;
}

boost::system::error_code store_engine::acquire_lease(const std::string& terminal_id,
                                                      const std::string&,
                                                      const std::string& charge_key,
                                                      std::chrono::milliseconds,
                                                      terminal_lease& out) {
  out = {};
  out.acquired = true;
  out.terminal_id = terminal_id;
  out.charge_key = charge_key;
  return {};
}

boost::system::error_code store_engine::extend_lease(const std::string&, std::int64_t,
                                                     std::chrono::milliseconds, bool, bool& done) {
  done = false;
  return {};
}

boost::system::error_code store_engine::release_lease(const std::string&, const std::string&,
                                                      std::int64_t, bool& released) {
  released = false;
  return {};
}

boost::system::error_code store_engine::list_leases(std::vector<terminal_lease>& out) {
  out.clear();
  return {};
}

namespace {

namespace asio = boost::asio;
using boost::system::error_code;

class memory_engine final : public store_engine {
 public:
  std::string describe() const override { return "memory"; }

  error_code begin(charge_record& rec, bool& inserted) override {
    auto [it, fresh] = records_.try_emplace(rec.key, rec);
    inserted = fresh;
    if (fresh) {
      it->second.version = 1;
      append(rec.key, it->second.stage, "started");
    }
    rec = it->second;
    return {};
  }
  error_code save(charge_record& rec, const std::string& detail) override {
    auto it = records_.find(rec.key);
    if (it == records_.end() || it->second.version != rec.version) return error::store_conflict;
    rec.version += 1;
    rec.updated_at_ms = unix_ms();
    rec.request_fingerprint = it->second.request_fingerprint;  // written by begin only
    it->second = rec;
    append(rec.key, rec.stage, detail);
    return {};
  }
  error_code load(const std::string& key, std::optional<charge_record>& out) override {
    auto it = records_.find(key);
    if (it != records_.end()) out = it->second;
    return {};
  }
  error_code list(const charge_list_filter& f, std::vector<charge_record>& out) override {
    for (auto& [k, r] : records_) {
      if (f.unfinished_only && r.stage == charge_journal_stage::finished) continue;
      if (f.open_only && !(r.stage == charge_journal_stage::finished && r.open)) continue;
      out.push_back(r);
    }
    std::stable_sort(out.begin(), out.end(), [](const charge_record& a, const charge_record& b) {
      return a.created_at_ms < b.created_at_ms;
    });
    if (!f.after.empty()) {  // the order above is (created_at, key): records_ is by key
      auto from = records_.find(f.after);
      std::erase_if(out, [&](const charge_record& r) {
        return from == records_.end() ||
               std::pair(r.created_at_ms, std::string_view(r.key)) <=
                   std::pair(from->second.created_at_ms, std::string_view(f.after));
      });
    }
    out.resize(std::min({out.size(), f.limit, max_charge_list}));
    return {};
  }
  error_code history(const std::string& key, std::vector<charge_journal_entry>& out) override {
    for (auto& [k, e] : journal_)
      if (k == key) out.push_back(e);
    return {};
  }
  error_code record_webhook(const std::string& key, const std::string&, bool& fresh) override {
    fresh = webhooks_.insert(key).second;
    return {};
  }
  refund_engine* refunds() override { return refunds_.get(); }

 private:
  void append(const std::string& key, charge_journal_stage s, const std::string& detail) {
    journal_.emplace_back(key, charge_journal_entry{++sequence_, s, unix_ms(), detail});
  }
  std::map<std::string, charge_record> records_;
  std::vector<std::pair<std::string, charge_journal_entry>> journal_;
  std::set<std::string> webhooks_;
  std::uint64_t sequence_ = 0;
  std::unique_ptr<refund_engine> refunds_ = make_memory_refund_engine();
};

/// A call queued for the writer thread: run (inside a batch or alone), then completed.
struct queued_call {
  virtual ~queued_call() = default;
  virtual void execute() = 0;
  /// The batch it ran in was not committed: its result becomes `ec`.
  virtual void fail(boost::system::error_code ec) = 0;
  /// Posts the handler with the result.
  virtual void complete() = 0;
};

template <class Handler, class Job>
struct queued_job final : queued_call {
  queued_job(Handler h, Job j, asio::any_io_executor w)
      : handler(std::move(h)), job(std::move(j)), work(std::move(w)) {}
  void execute() override { result.emplace(job()); }
  void fail(boost::system::error_code ec) override { std::get<0>(*result) = ec; }
  void complete() override {
    std::apply(
        [&](auto&&... args) {
          asio::post(work, asio::append(std::move(handler), std::forward<decltype(args)>(args)...));
        },
        std::move(*result));
  }
  Handler handler;
  Job job;
  asio::any_io_executor work;  ///< keeps the store's context busy until the handler is posted
  std::optional<std::invoke_result_t<Job&>> result;
};

/// An engine made asynchronous. Without a thread (memory), calls run inline under a mutex. With
/// one (SQLite), writes run on the writer thread, in order, with group commit: the calls queued
/// while a batch commits run next as one batch (one transaction, one fsync; engine begin_batch),
/// and their handlers are posted only after its commit, so a write is durable when its handler
/// runs. With a reader engine, reads run on a reader thread of their own (they never wait for a
/// commit). Either way the handler is posted to its associated executor.
class engine_store final : public charge_store {
 public:
  engine_store(asio::any_io_executor ex, std::unique_ptr<store_engine> engine, bool own_thread,
               std::unique_ptr<store_engine> reader = nullptr)
      : ex_(std::move(ex)),
        engine_(std::move(engine)),
        holder_(lease_holder_name()),
        kind_(engine_->describe().starts_with("sqlite") ? "sqlite" : "memory"),
        reader_(std::move(reader)) {
    if (own_thread) pool_.emplace(1);
    if (reader_) reader_pool_.emplace(1);
  }
  ~engine_store() override {
    if (reader_pool_) reader_pool_->join();
    if (pool_) pool_->join();
  }

  executor_type get_executor() const noexcept override { return ex_; }
  std::string describe() const override { return engine_->describe(); }
  bool leases_terminals() const noexcept override { return engine_->leases(); }

 protected:
  void do_begin(charge_record record,
                asio::any_completion_handler<charge_begin_signature> h) override {
    run("begin", std::move(h), [this, r = std::move(record)]() mutable {
      bool inserted = false;
      if (r.key.empty()) return std::tuple(error_code(error::invalid_argument), r, inserted);
      r.version = 1;
      r.stage = charge_journal_stage::started;
      if (r.created_at_ms == 0) r.created_at_ms = unix_ms();
      r.updated_at_ms = r.created_at_ms;
      auto ec = engine_->begin(r, inserted);
      return std::tuple(ec, std::move(r), inserted);
    });
  }
  void do_save(charge_record record, std::string detail,
               asio::any_completion_handler<charge_save_signature> h) override {
    run("save", std::move(h), [this, r = std::move(record), d = std::move(detail)]() mutable {
      auto ec = engine_->save(r, d);
      return std::tuple(ec, std::move(r));
    });
  }
  void do_load(std::string key, asio::any_completion_handler<charge_load_signature> h) override {
    read("load", std::move(h), [k = std::move(key)](store_engine& e) {
      std::optional<charge_record> out;
      auto ec = e.load(k, out);
      return std::tuple(ec, std::move(out));
    });
  }
  void do_list(charge_list_filter filter,
               asio::any_completion_handler<charge_list_signature> h) override {
    read("list", std::move(h), [filter](store_engine& e) {
      std::vector<charge_record> out;
      auto ec = e.list(filter, out);
      return std::tuple(ec, std::move(out));
    });
  }
  void do_history(std::string key,
                  asio::any_completion_handler<charge_history_signature> h) override {
    read("history", std::move(h), [k = std::move(key)](store_engine& e) {
      std::vector<charge_journal_entry> out;
      auto ec = e.history(k, out);
      return std::tuple(ec, std::move(out));
    });
  }
  void do_record_webhook(std::string key, std::string body,
                         asio::any_completion_handler<webhook_record_signature> h) override {
    run("record_webhook", std::move(h), [this, k = std::move(key), b = std::move(body)] {
      bool fresh = false;
      auto ec = engine_->record_webhook(k, b, fresh);
      return std::tuple(ec, fresh);
    });
  }
  void do_acquire_lease(std::string terminal_id, std::string charge_key,
                        std::chrono::milliseconds ttl,
                        asio::any_completion_handler<lease_acquire_signature> h) override {
    run("acquire_lease", std::move(h),
        [this, t = std::move(terminal_id), k = std::move(charge_key), ttl] {
          terminal_lease l;
          auto ec = engine_->acquire_lease(t, holder_, k, ttl, l);
          return std::tuple(ec, std::move(l));
        });
  }
  void do_renew_lease(std::string terminal_id, std::int64_t token, std::chrono::milliseconds ttl,
                      asio::any_completion_handler<lease_release_signature> h) override {
    run("renew_lease", std::move(h), [this, t = std::move(terminal_id), token, ttl] {
      bool done = false;
      auto ec = engine_->extend_lease(t, token, ttl, false, done);
      return std::tuple(ec, done);
    });
  }
  void do_stop_lease(std::string terminal_id, std::int64_t token, std::chrono::milliseconds ttl,
                     asio::any_completion_handler<lease_release_signature> h) override {
    run("stop_lease", std::move(h), [this, t = std::move(terminal_id), token, ttl] {
      bool done = false;
      auto ec = engine_->extend_lease(t, token, ttl, true, done);
      return std::tuple(ec, done);
    });
  }
  void do_release_lease(std::string terminal_id, std::string holder, std::int64_t token,
                        asio::any_completion_handler<lease_release_signature> h) override {
    run("release_lease", std::move(h),
        [this, t = std::move(terminal_id), who = std::move(holder), token] {
          bool released = false;
          auto ec = engine_->release_lease(t, who, token, released);
          return std::tuple(ec, released);
        });
  }
  void do_list_leases(asio::any_completion_handler<lease_list_signature> h) override {
    read("list_leases", std::move(h), [](store_engine& e) {
      std::vector<terminal_lease> out;
      auto ec = e.list_leases(out);
      return std::tuple(ec, std::move(out));
    });
  }

  void do_begin_refund(refund_record record,
                       asio::any_completion_handler<refund_begin_signature> h) override {
    run("begin_refund", std::move(h), [this, r = std::move(record)]() mutable {
      bool inserted = false;
      auto* e = engine_->refunds();
      if (r.key.empty() || e == nullptr)
        return std::tuple(error_code(e ? error::invalid_argument : error::store_failed), r,
                          inserted);
      r.version = 1;
      r.stage = refund_journal_stage::started;
      if (r.created_at_ms == 0) r.created_at_ms = unix_ms();
      r.updated_at_ms = r.created_at_ms;
      auto ec = e->begin(r, inserted);
      return std::tuple(ec, std::move(r), inserted);
    });
  }
  void do_save_refund(refund_record record, std::string detail,
                      asio::any_completion_handler<refund_save_signature> h) override {
    run("save_refund", std::move(h),
        [this, r = std::move(record), d = std::move(detail)]() mutable {
          auto* e = engine_->refunds();
          auto ec = e ? e->save(r, d) : error_code(error::store_failed);
          return std::tuple(ec, std::move(r));
        });
  }
  void do_load_refund(std::string key,
                      asio::any_completion_handler<refund_load_signature> h) override {
    read("load_refund", std::move(h), [k = std::move(key)](store_engine& engine) {
      std::optional<refund_record> out;
      auto* e = engine.refunds();
      auto ec = e ? e->load(k, out) : error_code(error::store_failed);
      return std::tuple(ec, std::move(out));
    });
  }
  void do_list_refunds(refund_list_filter filter,
                       asio::any_completion_handler<refund_list_signature> h) override {
    read("list_refunds", std::move(h), [f = std::move(filter)](store_engine& engine) {
      std::vector<refund_record> out;
      auto* e = engine.refunds();
      auto ec = e ? e->list(f, out) : error_code(error::store_failed);
      return std::tuple(ec, std::move(out));
    });
  }
  void do_refund_history(std::string key,
                         asio::any_completion_handler<refund_history_signature> h) override {
    read("refund_history", std::move(h), [k = std::move(key)](store_engine& engine) {
      std::vector<refund_journal_entry> out;
      auto* e = engine.refunds();
      auto ec = e ? e->history(k, out) : error_code(error::store_failed);
      return std::tuple(ec, std::move(out));
    });
  }

 private:
  /// A read: on the reader thread when there is one, else as a write (in order with them).
  template <class Handler, class Job>
  void read(std::string_view operation, Handler h, Job job) {
    if (!reader_) {
      run(operation, std::move(h),
          [this, job = std::move(job)]() mutable { return job(*engine_); });
      return;
    }
    asio::any_io_executor work = asio::prefer(ex_, asio::execution::outstanding_work.tracked);
    asio::post(*reader_pool_,
               [this, operation, job = std::move(job), h = std::move(h), work]() mutable {
                 queued_job q(
                     std::move(h),
                     [&] {
                       flow_metrics::store_timer timed(kind_, operation);
                       return job(*reader_);
                     },
                     work);
                 q.execute();
                 q.complete();
               });
  }

  /// A write (or a read without a reader engine): on the writer thread, with group commit.
  /// Each call is timed as it runs (in a batch: its own statements, not the batch's commit).
  template <class Handler, class Job>
  void run(std::string_view operation, Handler h, Job job) {
    // The store's executor keeps its context busy while the job waits and runs; post() then
    // hands the handler to its own associated executor.
    asio::any_io_executor work = asio::prefer(ex_, asio::execution::outstanding_work.tracked);
    auto timed_job = [this, operation, job = std::move(job)]() mutable {
      flow_metrics::store_timer timed(kind_, operation);
      return job();
    };
    auto call = std::make_unique<queued_job<Handler, decltype(timed_job)>>(
        std::move(h), std::move(timed_job), work);
    if (!pool_) {
      {
        std::lock_guard lk(mutex_);
        call->execute();
      }
      call->complete();
      return;
    }
    {
      std::lock_guard lk(queue_mutex_);
      queue_.push_back(std::move(call));
      if (draining_) return;  // the writer thread takes it with the next batch
      draining_ = true;
    }
    asio::post(*pool_, [this] { drain(); });
  }

  /// On the writer thread: runs what is queued, batch after batch, until the queue is empty.
  void drain() {
    for (;;) {
      std::vector<std::unique_ptr<queued_call>> batch;
      {
        std::lock_guard lk(queue_mutex_);
        if (queue_.empty()) {
          draining_ = false;
          return;
        }
        batch.swap(queue_);
      }
      std::lock_guard lk(mutex_);
      const bool grouped = batch.size() > 1 && engine_->begin_batch();
      for (auto& c : batch) c->execute();
      if (grouped) {
        if (auto ec = engine_->end_batch())
          for (auto& c : batch) c->fail(ec);
      }
      for (auto& c : batch) c->complete();
    }
  }

  asio::any_io_executor ex_;
  std::unique_ptr<store_engine> engine_;
  std::string holder_;                    ///< this store as a lease holder (lease_holder_name)
  std::string_view kind_;                 ///< "memory" or "sqlite": the store label of its metrics
  std::unique_ptr<store_engine> reader_;  ///< null: reads run as writes
  std::mutex mutex_;                      ///< held while the engine runs a call
  std::mutex queue_mutex_;
  std::vector<std::unique_ptr<queued_call>> queue_;  ///< calls for the writer thread
  bool draining_ = false;                            ///< the writer thread has a drain() queued
  std::optional<asio::thread_pool> reader_pool_;
  std::optional<asio::thread_pool> pool_;  // last: joined before the engines go
};

}  // namespace

std::unique_ptr<store_engine> make_memory_engine() {
  return std::make_unique<memory_engine>();
}

std::shared_ptr<charge_store> make_engine_store(asio::any_io_executor executor,
                                                std::unique_ptr<store_engine> engine,
                                                std::unique_ptr<store_engine> reader) {
  return std::make_shared<engine_store>(std::move(executor), std::move(engine), true,
                                        std::move(reader));
}

}  // namespace detail

std::shared_ptr<charge_store> make_memory_charge_store(boost::asio::any_io_executor executor) {
  return std::make_shared<detail::engine_store>(std::move(executor), detail::make_memory_engine(),
                                                false);
}

}  // namespace v0
}  // namespace paystack
