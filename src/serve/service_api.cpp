// charge_service's HTTP routes (the contract: include/paystack/charge_service.hpp and
// doc/serve-openapi.yaml). Runs on the service's strand.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <paystack/charge_recovery.hpp>
#include <paystack/error.hpp>

#include "service_impl.hpp"
#include "service_json.hpp"

namespace paystack {
inline namespace v0 {

namespace asio = boost::asio;
namespace json = boost::json;
using serve::error_body;
using std::chrono::steady_clock;
using query_map = std::map<std::string, std::string>;

namespace {

constexpr std::string_view json_type = "application/json";

asio::awaitable<void> reply(serve::responder& res, unsigned status, const json::object& o,
                            std::vector<std::pair<std::string, std::string>> headers = {}) {
  co_await res.send(status, json::serialize(o), json_type, std::move(headers));
}

asio::awaitable<void> fail(serve::responder& res, unsigned status, std::string_view code,
                           std::string_view message, std::string_view field = {}) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (status == 401) headers.emplace_back("WWW-Authenticate", "Bearer");
  co_await res.send(status, error_body(code, message, field), json_type, std::move(headers));
}

asio::awaitable<void> store_down(serve::responder& res, boost::system::error_code ec) {
  co_await fail(res, 503, "store_unavailable",
                "the charge store could not be asked: " + ec.message());
}

bool is_json(std::string_view content_type) {
  auto semi = content_type.find(';');
  auto t = content_type.substr(0, semi);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (t.size() != 16) return false;
  std::string lower(t);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json";
}

/// Refuses query parameters other than `allowed`; true when all are known.
bool only(const query_map& q, std::initializer_list<std::string_view> allowed, std::string& bad) {
  for (const auto& [name, value] : q) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      bad = name;
      return false;
    }
  }
  return true;
}

}  // namespace

namespace {

/// Loads a record and its journal.
struct loaded {
  boost::system::error_code ec;
  std::optional<charge_record> rec;
  std::vector<charge_journal_entry> journal;
};

asio::awaitable<loaded> load_with_journal(charge_store& store, const std::string& key) {
  loaded out;
  auto op = store.async_load(key, asio::as_tuple(asio::use_awaitable));
  auto [ec, rec] = co_await std::move(op);
  out.ec = ec;
  out.rec = std::move(rec);
  if (ec || !out.rec) co_return out;
  auto hop = store.async_history(key, asio::as_tuple(asio::use_awaitable));
  auto [hec, journal] = co_await std::move(hop);
  out.ec = hec;
  out.journal = std::move(journal);
  co_return out;
}

}  // namespace

/// Starts the charge `r` whose record this request inserted.
static void start_new_charge(charge_service::impl& s, const serve::charge_request& r) {
  charge_params p = s.options.defaults;
  p.customer = r.customer;
  p.amount = r.amount;
  p.currency = r.currency;
  p.description = r.description;
  p.wait_for_terminal = r.wait_for_terminal;
  p.keep_open = r.keep_open;
  p.key = r.key;
  p.store = s.options.store;
  p.webhooks = s.feed;
  ++s.started_count;
  s.run_charge(r.terminal_id, std::move(p), /*resume=*/false);
}

/// POST /v1/charges.
static asio::awaitable<void> create_charge(charge_service::impl& s, serve::http_request& req,
                                           serve::responder& res) {
  if (!is_json(req.content_type)) {
    ++s.bad_requests;
    {
      co_await fail(res, 415, "unsupported_media_type",
                    "the body must be JSON (Content-Type: application/json)");
      co_return;
    }
  }
  serve::input_error why;
  auto parsed = serve::parse_charge_request(req.body, why);
  if (!parsed) {
    ++s.bad_requests;
    {
      co_await fail(res, 400, why.field.empty() ? "invalid_json" : "invalid_field", why.message,
                    why.field);
      co_return;
    }
  }
  if (s.draining || s.stopped) {
    co_await fail(res, 503, "draining", "this instance is shutting down; ask another");
    co_return;
  }
  const auto& r = *parsed;
  auto lop = s.options.store->async_load(r.key, asio::as_tuple(asio::use_awaitable));
  auto [lec, existing] = co_await std::move(lop);
  if (lec) {
    co_await store_down(res, lec);
    co_return;
  }
  bool inserted = false;
  if (!existing) {
    if (s.running.size() >= s.options.max_in_flight) {
      ++s.refused_busy;
      {
        co_await fail(res, 429, "too_many_charges",
                      "too many charges are running here; try again shortly");
        co_return;
      }
    }
    auto bop =
        s.options.store->async_begin(serve::record_of(r), asio::as_tuple(asio::use_awaitable));
    auto [bec, stored, ins] = co_await std::move(bop);
    if (bec) {
      co_await store_down(res, bec);
      co_return;
    }
    existing = std::move(stored);
    inserted = ins;
  }
  if (!serve::same_charge(*existing, r)) {
    co_await fail(res, 409, "key_reused",
                  "key " + r.key + " is already the charge of " + std::to_string(existing->amount) +
                      " to " + existing->customer + " on terminal " + existing->terminal_id +
                      ", asked with another request; a key is one sale",
                  "key");
    co_return;
  }
  if (inserted) {
    start_new_charge(s, r);
  } else {
    ++s.replayed;
  }
  auto l = co_await load_with_journal(*s.options.store, r.key);
  if (l.ec || !l.rec) {
    co_await store_down(res, l.ec);
    co_return;
  }
  auto doc = serve::charge_document(*l.rec, &l.journal, s.running.count(r.key) != 0);
  std::vector<std::pair<std::string, std::string>> location;
  location.emplace_back("Location", "/v1/charges/" + r.key);
  co_await reply(res, inserted ? 202 : 200, doc, std::move(location));
}

/// GET /v1/charges/{key}[?wait=S].
static asio::awaitable<void> show_charge(charge_service::impl& s, const std::string& key,
                                         const query_map& q, serve::responder& res) {
  std::int64_t wait = 0;
  if (auto it = q.find("wait"); it != q.end()) {
    auto w = serve::query_integer(it->second, 0, s.options.max_wait.count());
    if (!w) {
      ++s.bad_requests;
      {
        co_await fail(
            res, 400, "invalid_field",
            "wait must be whole seconds from 0 to " + std::to_string(s.options.max_wait.count()),
            "wait");
        co_return;
      }
    }
    wait = *w;
  }
  const auto until = steady_clock::now() + std::chrono::seconds(wait);
  std::optional<charge_record> found;
  for (;;) {
    const auto gen = s.generation(key);
    auto op = s.options.store->async_load(key, asio::as_tuple(asio::use_awaitable));
    auto [ec, rec] = co_await std::move(op);
    if (ec) {
      co_await store_down(res, ec);
      co_return;
    }
    if (!rec) {
      co_await fail(res, 404, "not_found", "no charge has the key " + key);
      co_return;
    }
    found = std::move(rec);
    const bool done = found->stage == charge_journal_stage::finished;
    if (done || s.stopped || steady_clock::now() >= until) break;
    if (s.generation(key) != gen) continue;
    co_await s.wait_change(key, until);
  }
  // The record just loaded and its journal: two trips to the store's reader, not three (each
  // trip back waits behind the charge work queued on this thread: doc/performance.md).
  auto hop = s.options.store->async_history(key, asio::as_tuple(asio::use_awaitable));
  auto [hec, journal] = co_await std::move(hop);
  if (hec) {
    co_await store_down(res, hec);
    co_return;
  }
  co_await reply(res, 200, serve::charge_document(*found, &journal, s.running.count(key) != 0));
}

/// GET /v1/charges/{key}/events: one event per journal record, then "end" when finished.
static asio::awaitable<void> charge_events(charge_service::impl& s, const std::string& key,
                                           serve::responder& res) {
  auto first = s.options.store->async_load(key, asio::as_tuple(asio::use_awaitable));
  auto [fec, frec] = co_await std::move(first);
  if (fec) {
    co_await store_down(res, fec);
    co_return;
  }
  if (!frec) {
    co_await fail(res, 404, "not_found", "no charge has the key " + key);
    co_return;
  }
  const bool opened = co_await res.open_stream("text/event-stream");
  if (!opened) co_return;
  const auto until = steady_clock::now() + s.options.max_stream;
  std::uint64_t last = 0;
  for (;;) {
    const auto gen = s.generation(key);
    auto l = co_await load_with_journal(*s.options.store, key);
    if (l.ec || !l.rec) co_return;  // the client sees the stream end early and asks again
    for (const auto& e : l.journal) {
      if (e.sequence <= last) continue;
      last = e.sequence;
      const auto data = json::serialize(serve::journal_entry(e));
      const bool ok = co_await res.write("id: " + std::to_string(e.sequence) +
                                         "\nevent: journal\ndata: " + data + "\n\n");
      if (!ok) co_return;
    }
    if (l.rec->stage == charge_journal_stage::finished) {
      const auto doc = json::serialize(serve::charge_document(*l.rec, nullptr, false));
      co_await res.write("event: end\ndata: " + doc + "\n\n");
      co_return;
    }
    if (s.stopped || steady_clock::now() >= until) co_return;
    if (s.generation(key) != gen) continue;
    co_await s.wait_change(key, until);
  }
}

/// POST /v1/charges/{key}/cancel.
static asio::awaitable<void> cancel_charge(charge_service::impl& s, const std::string& key,
                                           serve::responder& res) {
  auto op = s.options.store->async_load(key, asio::as_tuple(asio::use_awaitable));
  auto [ec, rec] = co_await std::move(op);
  if (ec) {
    co_await store_down(res, ec);
    co_return;
  }
  if (!rec) {
    co_await fail(res, 404, "not_found", "no charge has the key " + key);
    co_return;
  }
  if (rec->outcome == charge_outcome::paid) {
    co_await fail(res, 409, "already_paid", "the customer paid this charge; refund it instead");
    co_return;
  }
  if (auto it = s.running.find(key); it != s.running.end()) {
    // Stop it here first (it stays journaled), then cancel what it left.
    it->second->cancel.emit(asio::cancellation_type::terminal);
    const auto until = steady_clock::now() + std::chrono::seconds(10);
    while (s.running.count(key) != 0 && steady_clock::now() < until && !s.stopped)
      co_await s.wait_change(key, until);
  }
  auto cop =
      async_cancel_charge(s.client, s.options.store, key, asio::as_tuple(asio::use_awaitable));
  auto [cec, cr] = co_await std::move(cop);
  if (cec == error::invalid_argument) {
    co_await fail(res, 404, "not_found", "no charge has the key " + key);
    co_return;
  }
  if (cec) {
    co_await fail(res, 503, "cancel_failed",
                  "the charge could not be cancelled now (" + cec.message() +
                      "); it is left as it was: try again");
    co_return;
  }
  if (cr.outcome == charge_outcome::paid) {
    co_await fail(res, 409, "already_paid", "the customer paid this charge; refund it instead");
    co_return;
  }
  s.notify(key);
  auto l = co_await load_with_journal(*s.options.store, key);
  if (l.ec || !l.rec) {
    co_await store_down(res, l.ec);
    co_return;
  }
  json::object o{{"cancelled", cr.cancelled},
                 {"archived", cr.archived},
                 {"action", cr.action},
                 {"charge", serve::charge_document(*l.rec, &l.journal, false)}};
  co_await reply(res, 200, o);
}

/// GET /v1/charges?open=&limit=&after=.
static asio::awaitable<void> list_charges(charge_service::impl& s, const query_map& q,
                                          serve::responder& res) {
  charge_list_filter f;
  f.limit = 100;
  if (auto it = q.find("open"); it != q.end()) {
    if (it->second != "true" && it->second != "false") {
      ++s.bad_requests;
      {
        co_await fail(res, 400, "invalid_field", "open must be true or false", "open");
        co_return;
      }
    }
    f.open_only = it->second == "true";
  }
  if (auto it = q.find("limit"); it != q.end()) {
    auto n = serve::query_integer(it->second, 1, 1000);
    if (!n) {
      ++s.bad_requests;
      {
        co_await fail(res, 400, "invalid_field", "limit must be from 1 to 1000", "limit");
        co_return;
      }
    }
    f.limit = static_cast<std::size_t>(*n);
  }
  if (auto it = q.find("after"); it != q.end()) {
    if (auto bad = serve::check_key(it->second); !bad.empty()) {
      ++s.bad_requests;
      {
        co_await fail(res, 400, "invalid_field", "after: " + bad, "after");
        co_return;
      }
    }
    auto op = s.options.store->async_load(it->second, asio::as_tuple(asio::use_awaitable));
    auto [ec, rec] = co_await std::move(op);
    if (ec) {
      co_await store_down(res, ec);
      co_return;
    }
    if (!rec) {
      co_await fail(res, 400, "invalid_field", "after: no charge has this key", "after");
      co_return;
    }
    f.after = it->second;
  }
  const auto page = f.limit;
  f.limit = page + 1;  // one more: whether there are more
  auto op = s.options.store->async_list(f, asio::as_tuple(asio::use_awaitable));
  auto [ec, records] = co_await std::move(op);
  if (ec) {
    co_await store_down(res, ec);
    co_return;
  }
  const bool more = records.size() > page;
  if (more) records.resize(page);
  json::array a;
  for (const auto& r : records)
    a.push_back(serve::charge_document(r, nullptr, s.running.count(r.key) != 0));
  json::object o{{"charges", std::move(a)}};
  o["next"] = more ? json::value(records.back().key) : json::value(nullptr);
  co_await reply(res, 200, o);
}

/// GET /v1/terminals: Paystack's list, with the presence last seen here (by a charge, or by the
/// presence poll: the same as paystack_terminal_up).
static asio::awaitable<void> list_terminals(charge_service::impl& s, serve::responder& res) {
  list_terminals_params p;
  p.per_page = 100;
  auto op = s.client.async_list_terminals(p, asio::as_tuple(asio::use_awaitable));
  auto [ec, r] = co_await std::move(op);
  if (ec || !r.ok() || !r.data) {
    co_await fail(res, 503, "paystack_unavailable",
                  ec ? "Paystack could not be asked: " + ec.message()
                     : "Paystack refused to list the terminals: " + r.message);
    co_return;
  }
  json::array a;
  for (const auto& t : *r.data) {
    json::object o{{"terminal_id", t.terminal_id}, {"status", t.status}};
    o["name"] = t.name ? json::value(*t.name) : json::value(nullptr);
    o["serial_number"] = t.serial_number ? json::value(*t.serial_number) : json::value(nullptr);
    if (auto it = s.presence.find(t.terminal_id); it != s.presence.end()) {
      o["presence"] = json::object{{"online", it->second.status.online},
                                   {"available", it->second.status.available},
                                   {"checked_at_ms", it->second.at_ms}};
      o["presence"].as_object()["last_seen_ms"] =
          it->second.last_seen_ms ? json::value(it->second.last_seen_ms) : json::value(nullptr);
    } else {
      o["presence"] = nullptr;
    }
    a.push_back(std::move(o));
  }
  json::object o{{"terminals", std::move(a)}};
  co_await reply(res, 200, o);
}

/// GET /readyz.
static asio::awaitable<void> readiness(charge_service::impl& s, serve::responder& res) {
  if (s.draining || s.stopped) {
    co_await fail(res, 503, "draining", "this instance is shutting down");
    co_return;
  }
  auto op = s.options.store->async_load("readyz", asio::as_tuple(asio::use_awaitable));
  auto [ec, rec] = co_await std::move(op);
  if (ec) {
    co_await store_down(res, ec);
    co_return;
  }
  if (steady_clock::now() - s.paystack_checked > std::chrono::seconds(15)) {
    list_terminals_params p;
    p.per_page = 1;
    auto pop = s.client.async_list_terminals(p, asio::as_tuple(asio::use_awaitable));
    auto [pec, pr] = co_await std::move(pop);
    s.paystack_ok = !pec && pr.ok();
    s.paystack_checked = steady_clock::now();
  }
  if (!s.paystack_ok) {
    co_await fail(res, 503, "paystack_unavailable", "Paystack could not be reached");
    co_return;
  }
  json::object o{{"status", "ready"}};
  co_await reply(res, 200, o);
}

/// /v1/charges/{key}[/events|/cancel].
static asio::awaitable<void> one_charge(charge_service::impl& s, serve::http_request& req,
                                        std::string_view rest, const query_map& q,
                                        serve::responder& res) {
  auto slash = rest.find('/');
  const std::string key(rest.substr(0, slash));
  const auto sub = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (auto bad = serve::check_key(key); !bad.empty()) {
    ++s.bad_requests;
    {
      co_await fail(res, 400, "invalid_field", bad, "key");
      co_return;
    }
  }
  std::string unknown;
  const bool get = req.method == "GET", post = req.method == "POST";
  if (sub.empty() && get) {
    if (!only(q, {"wait"}, unknown)) {
      co_await fail(res, 400, "invalid_field", "unknown query parameter", unknown);
      co_return;
    }
    {
      co_await show_charge(s, key, q, res);
      co_return;
    }
  }
  if (sub == "/events" && get) {
    co_await charge_events(s, key, res);
    co_return;
  }
  if (sub == "/cancel" && post) {
    co_await cancel_charge(s, key, res);
    co_return;
  }
  ++s.bad_requests;
  if (sub.empty() || sub == "/events" || sub == "/cancel") {
    co_await fail(res, 405, "method_not_allowed", "method not allowed here");
    co_return;
  }
  co_await fail(res, 404, "not_found", "no such resource");
}

asio::awaitable<void> charge_service::impl::handle(serve::http_request& req,
                                                   serve::responder& res) {
  auto self = shared_from_this();
  std::string path;
  query_map q;
  serve::input_error why;
  if (!serve::split_target(req.target, path, q, why)) {
    ++bad_requests;
    {
      co_await fail(res, 400, "invalid_query", why.message, why.field);
      co_return;
    }
  }
  if (path == "/healthz" && req.method == "GET") {
    json::object ok{{"status", "ok"}};
    {
      co_await reply(res, 200, ok);
      co_return;
    }
  }
  if (path == "/readyz" && req.method == "GET") {
    co_await readiness(*this, res);
    co_return;
  }
  if (!path.starts_with("/v1/")) {
    ++bad_requests;
    {
      co_await fail(res, 404, "not_found", "no such resource");
      co_return;
    }
  }
  if (!serve::bearer_matches(req.authorization, options.token)) {
    ++unauthorized;
    {
      co_await fail(res, 401, "unauthorized", "this API needs Authorization: Bearer <token>");
      co_return;
    }
  }
  std::string unknown;
  if (path == "/v1/charges") {
    if (req.method == "POST") {
      co_await create_charge(*this, req, res);
      co_return;
    }
    if (req.method == "GET") {
      if (!only(q, {"open", "limit", "after"}, unknown)) {
        co_await fail(res, 400, "invalid_field", "unknown query parameter", unknown);
        co_return;
      }
      {
        co_await list_charges(*this, q, res);
        co_return;
      }
    }
    ++bad_requests;
    {
      co_await fail(res, 405, "method_not_allowed", "GET or POST");
      co_return;
    }
  }
  if (path == "/v1/terminals" && req.method == "GET") {
    co_await list_terminals(*this, res);
    co_return;
  }
  if (path.starts_with("/v1/charges/")) {
    co_await one_charge(*this, req, std::string_view(path).substr(12), q, res);
    co_return;
  }
  ++bad_requests;
  co_await fail(res, 404, "not_found", "no such resource");
}

}  // namespace v0
}  // namespace paystack
