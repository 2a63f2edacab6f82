// charge_service: lifecycle, the charges this process runs, housekeeping (resume, reconcile)
// and drain. The routes are in service_api.cpp, the Beast server in http_server.cpp.
//
// Every member of impl runs on its strand. A charge's completion is bound to the strand; its
// progress is posted there. Stopping a charge emits its cancellation signal from the strand:
// give the service a single-threaded executor (an io_context run by one thread, as the CLI does)
// when charges may be stopped (drain, stop, cancel) while they run.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <paystack/charge_recovery.hpp>
#include <stdexcept>

#include "service_impl.hpp"

namespace paystack {
inline namespace v0 {

namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace {

/// How long a drain waits for the charges it stopped to end (see start_drain).
constexpr std::chrono::seconds drain_stop_grace{15};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

charge_service::impl::impl(asio::any_io_executor ex, terminal_client c, charge_service_options o)
    : executor(ex),
      strand(asio::make_strand(ex)),
      client(std::move(c)),
      options(std::move(o)),
      housekeeping_timer(strand),
      drain_timer(strand),
      presence_timer(strand) {}

void charge_service::impl::run_charge(std::string terminal_id, charge_params p, bool resume) {
  auto entry = std::make_shared<running_charge>();
  entry->terminal_id = terminal_id;
  const std::string key = *p.key;
  running[key] = entry;
  in_flight = running.size();
  std::weak_ptr<impl> weak = shared_from_this();
  p.on_progress = [weak, key, terminal_id, log = options.on_progress](const charge_progress& pr) {
    if (log) log(key, terminal_id, pr);
    if (auto self = weak.lock())
      asio::post(self->strand, [self, key] {
        if (auto it = self->running.find(key); it != self->running.end()) ++it->second->changes;
        self->notify(key);
      });
  };
  auto done = asio::bind_cancellation_slot(
      entry->cancel.slot(),
      asio::bind_executor(strand, [self = shared_from_this(), key, terminal_id, entry](
                                      boost::system::error_code, charge_result r) {
        if (r.presence) self->saw_presence(terminal_id, *r.presence);
        if (auto it = self->running.find(key); it != self->running.end() && it->second == entry)
          self->running.erase(it);
        self->in_flight = self->running.size();
        ++self->finished;
        self->notify(key);
        if (self->draining && self->running.empty()) self->finish_drain();
      }));
  if (resume) {
    async_resume_charge(client, options.store, key, std::move(p), std::move(done));
  } else {
    async_charge_on_terminal(client, std::move(terminal_id), std::move(p), std::move(done));
  }
}

void charge_service::impl::notify(const std::string& key) {
  auto [b, e] = watchers.equal_range(key);
  for (auto it = b; it != e; ++it) it->second->cancel();
}

std::uint64_t charge_service::impl::generation(const std::string& key) const {
  auto it = running.find(key);
  return it == running.end() ? ~std::uint64_t{0} : it->second->changes;
}

asio::awaitable<void> charge_service::impl::wait_change(const std::string& key,
                                                        steady_clock::time_point until) {
  asio::steady_timer t(strand);
  t.expires_at(std::min(until, steady_clock::now() + options.watch_interval));
  auto it = watchers.emplace(key, &t);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  watchers.erase(it);
}

asio::awaitable<void> charge_service::impl::resume_unfinished() {
  auto& store = *options.store;
  charge_list_filter f;
  f.unfinished_only = true;
  f.limit = 200;
  auto listed = store.async_list(f, asio::as_tuple(asio::use_awaitable));
  auto [ec, records] = co_await std::move(listed);
  if (ec) co_return;
  std::vector<terminal_lease> leases;
  if (store.leases_terminals()) {
    auto op = store.async_list_leases(asio::as_tuple(asio::use_awaitable));
    auto [lec, l] = co_await std::move(op);
    if (lec) co_return;  // cannot tell who runs what: next round
    leases = std::move(l);
  }
  // A charge whose record moved within two lease lifetimes may be starting elsewhere (its lease
  // not taken yet): left to the next round.
  const auto grace = 2 * options.defaults.lease_ttl.count();
  const auto now = now_ms();
  for (const auto& rec : records) {
    if (draining || stopped || running.size() >= options.max_in_flight) break;
    if (running.count(rec.key) != 0 || now - rec.updated_at_ms < grace) continue;
    const bool held = std::any_of(leases.begin(), leases.end(), [&](const terminal_lease& l) {
      return l.charge_key == rec.key && !l.stopped && l.expires_in.count() > 0;
    });
    if (held) continue;
    charge_params p = options.defaults;
    p.webhooks = feed;
    p.key = rec.key;
    p.store = options.store;
    ++resumed;
    run_charge(rec.terminal_id, std::move(p), /*resume=*/true);
  }
}

asio::awaitable<void> charge_service::impl::housekeeping() {
  if (housekeeping_busy || stopped) co_return;
  housekeeping_busy = true;
  auto self = shared_from_this();
  // The reconciler first: it takes the lease of each unfinished charge whose holder is gone to
  // look at its request. Run after the resumes it would race the charges they just started for
  // their terminals' leases (a resumed charge finding its terminal held stays unfinished).
  if (!draining) {
    auto op = async_reconcile_charges(client, options.store, options.reconcile,
                                      asio::as_tuple(asio::use_awaitable));
    auto [ec, report] = co_await std::move(op);
    (void)ec;
    (void)report;
    ++reconciles;
  }
  if (!draining && !stopped) co_await resume_unfinished();
  housekeeping_busy = false;
  if (stopped && !drain_waiters.empty()) complete_drain();  // the drain waited for this round
}

void charge_service::impl::schedule_housekeeping() {
  if (options.housekeeping_interval.count() <= 0 || stopped || draining) return;
  housekeeping_timer.expires_after(options.housekeeping_interval);
  housekeeping_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped || self->draining) return;
    asio::co_spawn(self->strand, self->housekeeping(), asio::detached);
    self->schedule_housekeeping();
  });
}

void charge_service::impl::start_drain(asio::any_completion_handler<drain_signature> h) {
  drain_waiters.push_back(std::move(h));
  if (draining) {
    if (stopped) finish_drain();
    return;
  }
  draining = true;
  housekeeping_timer.cancel();
  if (running.empty()) return finish_drain();
  drain_timer.expires_after(options.drain_timeout);
  drain_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped) return;
    // Still running: stopped here, journaled for any instance to resume.
    auto still = self->running;  // completion handlers erase from `running`
    for (auto& [key, entry] : still) entry->cancel.emit(asio::cancellation_type::terminal);
    if (self->running.empty()) return;  // finish_drain ran
    // A charge that does not end within drain_stop_grace of being stopped (a store or Paystack
    // call that answers nothing) is left as it is: every record it wrote is durable, so it is
    // resumed elsewhere as after a crash. The drain ends, the process exits.
    self->drain_timer.expires_after(drain_stop_grace);
    self->drain_timer.async_wait([self](boost::system::error_code ec2) {
      if (!ec2 && !self->stopped) self->finish_drain();
    });
  });
}

void charge_service::impl::finish_drain() {
  drain_timer.cancel();
  stop_all();
  // A housekeeping round still in flight (a store read on the store's own thread) ends before
  // the drain does: the process destroys its io_context once drained, and the store's thread
  // would post the read's completion to it (ServeCli under ASan: a heap-use-after-free at exit).
  // Waited for at most drain_stop_grace.
  if (housekeeping_busy) {
    drain_timer.expires_after(drain_stop_grace);
    drain_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->complete_drain();
    });
    return;
  }
  complete_drain();
}

void charge_service::impl::complete_drain() {
  drain_timer.cancel();
  auto waiters = std::move(drain_waiters);
  drain_waiters.clear();
  for (auto& h : waiters) {
    auto ex = asio::get_associated_executor(h, executor);
    asio::post(executor, asio::bind_executor(ex, [h = std::move(h)]() mutable {
                 std::move(h)(boost::system::error_code{});
               }));
  }
}

void charge_service::impl::stop_all() {
  if (stopped) return;
  stopped = true;
  housekeeping_timer.cancel();
  drain_timer.cancel();
  presence_timer.cancel();
  if (http) http->stop();
  if (hooks) hooks->stop();
  for (auto& [key, w] : watchers) w->cancel();
  auto still = running;  // completion handlers erase from `running`
  for (auto& [key, entry] : still) entry->cancel.emit(asio::cancellation_type::terminal);
}

namespace detail {
void start_drain(charge_service& s, asio::any_completion_handler<drain_signature> h) {
  auto i = s.impl_;
  asio::dispatch(i->strand, [i, h = std::move(h)]() mutable { i->start_drain(std::move(h)); });
}
}  // namespace detail

charge_service::charge_service(asio::any_io_executor executor, terminal_client client,
                               charge_service_options options)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(client), std::move(options))) {}

charge_service::~charge_service() {
  stop();
}

void charge_service::start() {
  auto& i = *impl_;
  if (i.started.exchange(true)) throw std::logic_error("charge_service: already started");
  if (!i.options.store) throw std::invalid_argument("charge_service: no charge store");
  if (i.options.token.size() < 16)
    throw std::invalid_argument("charge_service: the API token must have 16 characters or more");
  i.feed = i.options.defaults.webhooks;
  if (i.options.webhooks) {
    auto wo = *i.options.webhooks;
    wo.store = i.options.store;
    i.hooks = std::make_unique<webhook_server>(i.executor, std::move(wo));
    i.hooks->start();
    // PostgreSQL: the store's inbox reaches every instance (a null feed makes the charge use
    // it); otherwise this listener's feed.
    if (!i.options.store->shared_webhooks()) i.feed = i.hooks->feed();
  }
  serve::http_limits l;
  l.bind_address = i.options.bind_address;
  l.port = i.options.port;
  l.max_header_bytes = i.options.max_header_bytes;
  l.max_body_bytes = i.options.max_body_bytes;
  l.header_timeout = i.options.header_timeout;
  l.io_timeout = i.options.io_timeout;
  l.max_connections = i.options.max_connections;
  l.max_connections_per_source = i.options.max_connections_per_source;
  std::weak_ptr<impl> weak = impl_;
  i.http = std::make_unique<serve::http_server>(
      i.strand, l,
      [weak](serve::http_request& req, serve::responder& res) -> asio::awaitable<void> {
        auto self = weak.lock();
        if (!self) co_return;
        co_await self->handle(req, res);
      });
  try {
    i.http->start();
  } catch (...) {
    if (i.hooks) i.hooks->stop();
    throw;
  }
  if (i.options.presence_interval.count() > 0) {
    asio::dispatch(i.strand, [self = impl_] {
      asio::co_spawn(self->strand, self->presence_round(), asio::detached);
      self->schedule_presence();
    });
  }
  if (i.options.housekeeping_interval.count() > 0) {
    asio::dispatch(i.strand, [self = impl_] {
      asio::co_spawn(self->strand, self->housekeeping(), asio::detached);
      self->schedule_housekeeping();
    });
  }
}

void charge_service::stop() noexcept {
  if (!impl_) return;
  try {
    asio::dispatch(impl_->strand, [i = impl_] { i->stop_all(); });
  } catch (...) {
  }
}

void charge_service::run_housekeeping() {
  asio::dispatch(impl_->strand,
                 [i = impl_] { asio::co_spawn(i->strand, i->housekeeping(), asio::detached); });
}

std::uint16_t charge_service::port() const noexcept {
  return impl_->http ? impl_->http->port() : 0;
}

std::string charge_service::url() const {
  auto host = impl_->options.bind_address;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port());
}

std::string charge_service::webhook_url() const {
  return impl_->hooks ? impl_->hooks->url() : std::string();
}

charge_service_stats charge_service::stats() const noexcept {
  const auto& i = *impl_;
  charge_service_stats s;
  if (i.http) {
    s.requests = i.http->counts().requests;
    s.connections_refused = i.http->counts().refused;
    s.timed_out = i.http->counts().timed_out;
  }
  s.started = i.started_count;
  s.replayed = i.replayed;
  s.resumed = i.resumed;
  s.finished = i.finished;
  s.refused_busy = i.refused_busy;
  s.unauthorized = i.unauthorized;
  s.bad_requests = i.bad_requests + (i.http ? i.http->counts().too_large.load() : 0);
  s.reconciles = i.reconciles;
  s.in_flight = i.in_flight;
  return s;
}

}  // namespace v0
}  // namespace paystack
