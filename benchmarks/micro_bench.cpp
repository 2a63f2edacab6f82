// paystack-micro-bench: the client's CPU costs without sockets (Google Benchmark).
//
//   request/<op>   the public call up to transport::async_send (argument checks, target
//                  building, headers, co_spawn onto the strand, retry layer): manual time from
//                  the call to the moment the transport receives the request.
//   call/<op>      a whole call through a canned transport: request, retry layer, a posted
//                  completion with the official sample reply, parsing, the caller's handler.
//   parse/<sample> a whole call with an official sample reply, timed (manual time) from the
//                  moment the transport delivers the reply to the caller's handler: reading
//                  the envelope, model and headers, the retry layer's completion and the hop
//                  back to the caller; includes one copy of the body. Public API only
//                  (doc/layout.md): no private make_response<T>.
//   webhook/...    verify_webhook_signature / parse_webhook_event on an official webhook body.
//   executor/...   the cost of the client's strand type (see doc/performance.md).
//
// Samples are read at startup from PAYSTACK_SAMPLES_DIR (Paystack's official samples).
#include <benchmark/benchmark.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <paystack/paystack.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

/// Set when a benchmark reports an error, so that the exit status says so (for scripts/bench.sh).
bool g_failed = false;

void fail(benchmark::State& state, const char* why) {
  g_failed = true;
  state.SkipWithError(why);
}

constexpr const char* bench_key = "sk_test_0123456789abcdef0123456789abcdef";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The body Paystack documents for `<dir>/response.json` under `code`, serialised compactly.
std::string sample_body(const std::string& dir, const std::string& code = "200") {
  auto doc = boost::json::parse(
      read_file(std::string(PAYSTACK_SAMPLES_DIR) + "/api/terminal/" + dir + "/response.json"));
  return boost::json::serialize(doc.at(code).at("data"));
}

/// A List Terminals page of `n` terminals shaped like the fetch sample, with cursors.
std::string list_page(std::size_t n) {
  auto one = boost::json::parse(sample_body("fetch")).at("data");
  boost::json::array data;
  for (std::size_t i = 0; i < n; ++i) {
    auto t = one;
    t.as_object()["id"] = static_cast<std::int64_t>(1000 + i);
    t.as_object()["terminal_id"] = "T" + std::to_string(100000 + i);
    data.push_back(std::move(t));
  }
  boost::json::object body{{"status", true},
                           {"message", "Terminals retrieved successfully"},
                           {"data", std::move(data)},
                           {"meta",
                            {{"next", "dGVybWluYWw6YWZ0ZXI6MTA0OQ=="},
                             {"previous", nullptr},
                             {"perPage", static_cast<std::int64_t>(n)}}}};
  return boost::json::serialize(body);
}

/// A transport that answers every request with one canned reply (posted to the io_context, as
/// tests/support/fake_transport.hpp does) and notes when the request arrived and when the reply
/// was delivered.
class canned_transport final : public paystack::transport {
 public:
  explicit canned_transport(asio::any_io_executor ex) : ex_(std::move(ex)) {}

  void async_send(const paystack::http_request& request, clock::time_point,
                  handler_type handler) override {
    received_at = clock_type::now();
    target_bytes += request.target.size();
    auto hex = asio::get_associated_executor(handler, ex_);
    asio::post(ex_, asio::bind_executor(hex, [this, h = std::move(handler)]() mutable {
                 delivered_at = clock_type::now();
                 std::move(h)(ec, reply);
               }));
  }

  error_code ec;
  paystack::http_reply reply;
  clock_type::time_point received_at;
  clock_type::time_point delivered_at;
  std::size_t target_bytes = 0;

 private:
  asio::any_io_executor ex_;
};

/// A client wired to a canned transport answering `status`/`body` (an error when body is
/// empty: connection_failed before sending, so nothing is parsed).
struct bench_client {
  asio::io_context io{1};
  std::shared_ptr<canned_transport> transport =
      std::make_shared<canned_transport>(io.get_executor());
  std::optional<paystack::terminal_client> client;

  explicit bench_client(std::string body) {
    if (body.empty()) {
      transport->ec = paystack::error::connection_failed;
      transport->reply.request_sent = false;
    } else {
      transport->reply.status_code = 200;
      transport->reply.body = std::move(body);
      transport->reply.headers = {{"Content-Type", "application/json; charset=utf-8"},
                                  {"x-ratelimit-limit", "100"},
                                  {"x-ratelimit-remaining", "99"},
                                  {"x-ratelimit-reset", "60"}};
      transport->reply.request_sent = true;
      transport->reply.reply_started = true;
    }
    paystack::client_options o;
    o.secret_key = bench_key;
    o.base_url = "https://api.paystack.co";
    o.transport = transport;
    o.retry.max_attempts = 1;
    client.emplace(io.get_executor(), std::move(o));
  }

  void drain() {
    io.restart();
    io.run();
  }
};

enum class op { fetch_terminal, status, list, send_event, event_status, update, commission };

/// Starts one call of kind `o`; its handler sets `ok` and, when given, `done_at`.
void start(paystack::terminal_client& c, op o, bool& ok,
           clock_type::time_point* done_at = nullptr) {
  // ok: no error_code and the envelope was read (ok() exactly when `status` is true; the
  // commission sample is Paystack's HTTP 200 + status:false reply).
  auto h = [&ok, done_at](error_code ec, const auto& r) {
    if (done_at) *done_at = clock_type::now();
    ok = !ec && r.ok() == r.status;
    benchmark::DoNotOptimize(r);
  };
  switch (o) {
    case op::fetch_terminal:
      c.async_fetch_terminal("2872S934", h);
      break;
    case op::status:
      c.async_fetch_terminal_status("2872S934", h);
      break;
    case op::list:
      c.async_list_terminals(
          paystack::list_terminals_params{.per_page = 50, .next = "dGVybWluYWw6YWZ0ZXI6MjM="}, h);
      break;
    case op::send_event:
      c.async_send_event("2872S934",
                         paystack::terminal_event::process_invoice(7895939, "4634337895939"), h);
      break;
    case op::event_status:
      c.async_fetch_event_status("2872S934", "616d721e8c5cd40a0cdd54a6", h);
      break;
    case op::update:
      c.async_update_terminal(
          "2872S934", paystack::update_terminal_params{.name = "Till 1", .address = "Lagos"}, h);
      break;
    case op::commission:
      c.async_commission_terminal("033301504100A563877", h);
      break;
  }
}

const char* sample_of(op o) {
  switch (o) {
    case op::fetch_terminal:
      return "fetch";
    case op::status:
      return "terminal-status";
    case op::list:
      return "list";
    case op::send_event:
      return "send-event";
    case op::event_status:
      return "event-status";
    case op::update:
      return "update";
    case op::commission:
      return "commission";
  }
  return "fetch";
}

// request/<op>: from the public call to transport::async_send (manual time).
void bm_request(benchmark::State& state, op o) {
  bench_client b{std::string()};
  bool ok = false;
  for (auto _ : state) {
    const auto t0 = clock_type::now();
    start(*b.client, o, ok);
    b.drain();  // runs the strand up to the transport, then the (error) completion
    state.SetIterationTime(std::chrono::duration<double>(b.transport->received_at - t0).count());
  }
  benchmark::DoNotOptimize(b.transport->target_bytes);
}

// call/<op>: a whole call through the canned transport with the official sample reply.
void bm_call(benchmark::State& state, op o) {
  bench_client b{sample_body(sample_of(o))};
  bool ok = false;
  for (auto _ : state) {
    start(*b.client, o, ok);
    b.drain();
  }
  if (!ok) fail(state, "the call did not complete with ok()");
}

// call_error/<op>: the same without a reply to parse (transport error, no retry).
void bm_call_error(benchmark::State& state, op o) {
  bench_client b{std::string()};
  bool ok = true;
  for (auto _ : state) {
    start(*b.client, o, ok);
    b.drain();
  }
  if (ok) fail(state, "expected an error completion");
}

// parse/<sample>: from the reply's delivery by the transport to the caller's handler (manual time).
void bm_parse(benchmark::State& state, op o, std::string body) {
  const auto size = static_cast<std::int64_t>(body.size());
  bench_client b{std::move(body)};
  bool ok = false;
  clock_type::time_point done_at;
  for (auto _ : state) {
    start(*b.client, o, ok, &done_at);
    b.drain();
    state.SetIterationTime(
        std::chrono::duration<double>(done_at - b.transport->delivered_at).count());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * size);
  if (!ok) fail(state, "sample did not parse to ok()");
}

void bm_json_parse_only(benchmark::State& state, std::string body) {
  for (auto _ : state) {
    auto v = boost::json::parse(body);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

std::string webhook_body() {
  return read_file(std::string(PAYSTACK_SAMPLES_DIR) +
                   "/guides/terminal/invoices/events/transaction-successful.json");
}

void bm_webhook_verify(benchmark::State& state) {
  const std::string body = webhook_body();
  const std::string sig = paystack::sign_webhook_payload(body, bench_key);
  bool ok = false;
  for (auto _ : state) {
    ok = paystack::verify_webhook_signature(body, sig, bench_key);
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
  if (!ok) fail(state, "signature did not verify");
}

void bm_webhook_parse(benchmark::State& state) {
  const std::string body = webhook_body();
  bool ok = false;
  for (auto _ : state) {
    auto e = paystack::parse_webhook_event(body);
    ok = e.has_value();
    benchmark::DoNotOptimize(e);
  }
  if (!ok) fail(state, "webhook did not parse");
}

// executor/...: what the client's strand costs. core_shared keeps a strand<any_io_executor>,
// which does not fit any_io_executor's 24-byte inline buffer: every copy with a property
// (outstanding_work.tracked, which each Asio/Beast operation asks for) allocates. A strand over
// the concrete io_context executor fits inline.
template <class Strand>
asio::any_io_executor wrap_strand(asio::io_context& io) {
  if constexpr (std::is_same_v<Strand, asio::strand<asio::any_io_executor>>)
    return asio::make_strand(asio::any_io_executor(io.get_executor()));
  else
    return asio::make_strand(io.get_executor());
}

template <class Strand>
void bm_executor_tracked_copy(benchmark::State& state) {
  asio::io_context io{1};
  const asio::any_io_executor ex = wrap_strand<Strand>(io);
  for (auto _ : state) {
    asio::any_io_executor tracked = asio::prefer(ex, asio::execution::outstanding_work.tracked);
    benchmark::DoNotOptimize(tracked);
  }
}

template <class Strand>
void bm_executor_post(benchmark::State& state) {
  asio::io_context io{1};
  const asio::any_io_executor ex = wrap_strand<Strand>(io);
  std::size_t n = 0;
  for (auto _ : state) {
    asio::post(ex, [&n] { ++n; });
    io.restart();
    io.run();
  }
  benchmark::DoNotOptimize(n);
}

void register_all() {
  const std::pair<const char*, op> ops[] = {{"fetch_terminal", op::fetch_terminal},
                                            {"status", op::status},
                                            {"list", op::list},
                                            {"send_event", op::send_event},
                                            {"event_status", op::event_status},
                                            {"update", op::update},
                                            {"commission", op::commission}};
  for (const auto& [name, o] : ops) {
    benchmark::RegisterBenchmark((std::string("request/") + name).c_str(), bm_request, o)
        ->UseManualTime();
  }
  for (const auto& [name, o] : ops)
    benchmark::RegisterBenchmark((std::string("call_error/") + name).c_str(), bm_call_error, o);
  for (const auto& [name, o] : ops)
    benchmark::RegisterBenchmark((std::string("call/") + name).c_str(), bm_call, o);

  const std::tuple<const char*, op, std::string> parses[] = {
      {"parse/fetch", op::fetch_terminal, sample_body("fetch")},
      {"parse/list", op::list, sample_body("list")},
      {"parse/list_50", op::list, list_page(50)},
      {"parse/list_100", op::list, list_page(100)},
      {"parse/terminal_status", op::status, sample_body("terminal-status")},
      {"parse/event_status", op::event_status, sample_body("event-status")},
      {"parse/send_event", op::send_event, sample_body("send-event")},
      {"parse/update", op::update, sample_body("update")},
      {"parse/commission", op::commission, sample_body("commission")}};
  for (const auto& [name, o, body] : parses)
    benchmark::RegisterBenchmark(name, bm_parse, o, body)->UseManualTime();
  benchmark::RegisterBenchmark("json_only/fetch", bm_json_parse_only, sample_body("fetch"));
  benchmark::RegisterBenchmark("json_only/list_100", bm_json_parse_only, list_page(100));

  using strand_any = asio::strand<asio::any_io_executor>;
  using strand_io = asio::strand<asio::io_context::executor_type>;
  benchmark::RegisterBenchmark("executor/tracked_copy/strand<any_io_executor>",
                               bm_executor_tracked_copy<strand_any>);
  benchmark::RegisterBenchmark("executor/tracked_copy/strand<io_context::executor_type>",
                               bm_executor_tracked_copy<strand_io>);
  benchmark::RegisterBenchmark("executor/post/strand<any_io_executor>",
                               bm_executor_post<strand_any>);
  benchmark::RegisterBenchmark("executor/post/strand<io_context::executor_type>",
                               bm_executor_post<strand_io>);

  benchmark::RegisterBenchmark("webhook/verify_signature", bm_webhook_verify);
  benchmark::RegisterBenchmark("webhook/parse_event", bm_webhook_parse);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    register_all();
  } catch (const std::exception& e) {
    std::cerr << "paystack-micro-bench: " << e.what() << '\n';
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return g_failed ? 1 : 0;
}
