// The built-in transport over real loopback sockets: keep-alive and the pool bound, dead idle
// connections replaced, caps, deadlines, the idle read timeout, cancellation, shutdown, TLS.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <paystack/paystack.hpp>
#include <thread>

#include "env_guard.hpp"
#include "loopback_server.hpp"
#include "running_context.hpp"

namespace paystack::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

const char* terminal_json =
    R"({"status":true,"message":"Terminal retrieved successfully","data":{"id":30,"serial_number":"033301504100A563877","device_make":null,"terminal_id":"2872S934","integration":463433,"domain":"live","name":"Damilola's Terminal","address":null,"status":"active"}})";

scripted_answer ok_terminal(const served_request&) {
  scripted_answer a;
  a.body = terminal_json;
  return a;
}

client_options options_for(const loopback_server& s) {
  client_options o;
  o.secret_key = "sk_test_loopback";
  o.base_url = s.base_url();
  o.retry.initial_backoff = 1ms;
  o.retry.max_backoff = 2ms;
  return o;
}

constexpr auto token = asio::as_tuple(asio::deferred);

template <class Deferred>
auto wait(Deferred&& op) {
  auto f = std::forward<Deferred>(op)(asio::use_future);
  if (f.wait_for(20s) != std::future_status::ready) throw std::runtime_error("operation hung");
  return f.get();
}

TEST(Transport, keep_alive_reuses_one_connection) {
  loopback_server server(ok_terminal);
  running_context ctx;
  terminal_client client(ctx.io.get_executor(), options_for(server));
  for (int i = 0; i < 5; ++i) {
    auto [ec, r] = wait(client.async_fetch_terminal("2872S934", token));
    ASSERT_FALSE(ec) << r.error_detail;
    EXPECT_EQ(r.data->terminal_id, "2872S934");
  }
  EXPECT_EQ(server.requests(), 5u);
  EXPECT_EQ(server.connections(), 1u);
  auto req = server.seen().at(0);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/terminal/2872S934");
}

TEST(Transport, concurrent_calls_share_a_bounded_pool) {
  loopback_server server(ok_terminal);
  running_context ctx;
  auto o = options_for(server);
  o.max_connections_per_host = 2;
  terminal_client client(ctx.io.get_executor(), o);
  std::vector<std::future<std::tuple<boost::system::error_code, response<terminal>>>> fs;
  for (int i = 0; i < 20; ++i)
    fs.push_back(client.async_fetch_terminal("T" + std::to_string(i), token)(asio::use_future));
  for (auto& f : fs) {
    ASSERT_EQ(f.wait_for(20s), std::future_status::ready);
    auto [ec, r] = f.get();
    EXPECT_FALSE(ec) << r.error_detail;
  }
  EXPECT_EQ(server.requests(), 20u);
  EXPECT_LE(server.connections(), 2u);
}

TEST(Transport, dead_idle_connection_is_replaced_before_sending_a_post) {
  loopback_server server([](const served_request& r) {
    scripted_answer a;
    a.body =
        r.target == "/terminal/T/event"
            ? R"({"status":true,"message":"Event sent to Terminal","data":{"id":"616d721e8c5cd40a0cdd54a6"}})"
            : terminal_json;
    return a;
  });
  running_context ctx;
  terminal_client client(ctx.io.get_executor(), options_for(server));
  auto [ec1, r1] = wait(client.async_fetch_terminal("T", token));
  ASSERT_FALSE(ec1);
  server.close_idle_connections();
  ASSERT_TRUE(server.wait_for_no_connections());
  // A POST is never retried once it may have been sent: it succeeds here only because the dead
  // connection was detected before anything was written to it.
  auto [ec2, r2] =
      wait(client.async_send_event("T", terminal_event::process_invoice(1, "ref"), token));
  ASSERT_FALSE(ec2) << r2.error_detail;
  EXPECT_TRUE(r2.ok());
  EXPECT_EQ(r2.attempts, 1u);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.requests(), 2u);
}

// A GET on a connection used less than a second ago goes without the probe (one system call
// saved per call); when that connection had been closed by the server, the GET is sent again on
// a new connection inside the same attempt, so even max_attempts = 1 succeeds.
TEST(Transport, get_on_a_connection_closed_just_now_is_replayed_on_a_new_one) {
  loopback_server server(ok_terminal);
  running_context ctx;
  auto o = options_for(server);
  o.retry.max_attempts = 1;
  terminal_client client(ctx.io.get_executor(), o);
  auto [ec1, r1] = wait(client.async_fetch_terminal("T", token));
  ASSERT_FALSE(ec1) << r1.error_detail;
  server.close_idle_connections();
  ASSERT_TRUE(server.wait_for_no_connections());
  auto [ec2, r2] = wait(client.async_fetch_terminal("T", token));
  ASSERT_FALSE(ec2) << r2.error_detail;
  EXPECT_TRUE(r2.ok());
  EXPECT_EQ(r2.attempts, 1u);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.requests(), 2u);
}

// Nothing is left armed once the calls are done (the transport's watchdog timer is cancelled):
// io_context::run() returns by itself. With hour-long timeouts a leftover timer would hold run()
// for an hour; here the context must run out of work after draining what is already queued.
TEST(Transport, the_io_context_runs_out_of_work_when_calls_are_done) {
  loopback_server server(ok_terminal);
  asio::io_context io;
  auto o = options_for(server);
  o.timeout = std::chrono::hours(1);
  o.idle_read_timeout = std::chrono::hours(1);
  terminal_client client(io.get_executor(), o);
  int done = 0;
  for (int i = 0; i < 3; ++i) {
    client.async_fetch_terminal("T", [&](boost::system::error_code ec, response<terminal> r) {
      EXPECT_FALSE(ec) << r.error_detail;
      ++done;
    });
  }
  // Bounded: each run_one() handles one event; 10,000 is far more than 3 calls need.
  for (int i = 0; i < 10'000 && done < 3; ++i) io.run_one();
  ASSERT_EQ(done, 3);
  for (int i = 0; i < 100 && !io.stopped(); ++i) io.poll();
  EXPECT_TRUE(io.stopped()) << "work is still pending after every call completed";
}

TEST(Transport, reply_over_the_size_cap_is_refused) {
  loopback_server server([](const served_request&) {
    scripted_answer a;
    a.body = std::string(64 * 1024, 'x');
    return a;
  });
  running_context ctx;
  auto o = options_for(server);
  o.max_response_bytes = 1024;
  terminal_client client(ctx.io.get_executor(), o);
  auto [ec, r] = wait(client.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::response_too_large);
  EXPECT_EQ(server.requests(), 1u);  // not retried
}

TEST(Transport, header_block_over_the_cap_is_refused) {
  loopback_server server([](const served_request&) {
    scripted_answer a;
    a.body = terminal_json;
    a.headers.emplace_back("x-padding", std::string(8 * 1024, 'p'));
    return a;
  });
  running_context ctx;
  auto o = options_for(server);
  o.max_header_bytes = 1024;
  terminal_client client(ctx.io.get_executor(), o);
  auto [ec, r] = wait(client.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::response_too_large);
}

TEST(Transport, stalled_server_hits_the_deadline) {
  loopback_server server([](const served_request&) {
    scripted_answer a;
    a.what = scripted_answer::kind::stall;
    return a;
  });
  running_context ctx;
  auto o = options_for(server);
  o.timeout = 300ms;
  terminal_client client(ctx.io.get_executor(), o);
  auto [ec, r] = wait(client.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::timeout);
  EXPECT_FALSE(r.error_detail.empty());
}

TEST(Transport, trickling_server_cannot_hold_a_call_past_its_deadline) {
  loopback_server server([](const served_request&) {
    scripted_answer a;
    a.what = scripted_answer::kind::trickle;
    a.body = terminal_json;  // ~300 bytes at one per 20 ms: ~6 s if let run
    a.trickle_gap = 20ms;
    return a;
  });
  running_context ctx;
  auto o = options_for(server);
  o.timeout = 400ms;
  o.idle_read_timeout = 5s;  // every byte arrives well within the idle timeout
  terminal_client client(ctx.io.get_executor(), o);
  const auto t0 = std::chrono::steady_clock::now();
  auto [ec, r] = wait(client.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s);  // not the ~6 s of the trickle
  EXPECT_EQ(server.requests(), 1u);                      // the reply had started: not retried
}

TEST(Transport, idle_read_timeout) {
  loopback_server server([](const served_request&) {
    scripted_answer a;
    a.what = scripted_answer::kind::stall;
    return a;
  });
  running_context ctx;
  auto o = options_for(server);
  o.idle_read_timeout = 200ms;
  o.retry.max_attempts = 1;
  terminal_client client(ctx.io.get_executor(), o);
  auto [ec, r] = wait(client.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::timeout);
  EXPECT_NE(r.error_detail.find("idle"), std::string::npos) << r.error_detail;
}

TEST(Transport, server_closing_without_reply_is_retried_for_get_only) {
  std::atomic<int> n{0};
  loopback_server server([&](const served_request&) {
    scripted_answer a;
    if (n++ == 0) a.what = scripted_answer::kind::close;
    a.body = R"({"status":true,"message":"Event sent to Terminal","data":{"id":"e"}})";
    return a;
  });
  running_context ctx;
  terminal_client client(ctx.io.get_executor(), options_for(server));
  auto [ec, r] = wait(client.async_send_event("T", terminal_event::print_transaction(9), token));
  EXPECT_EQ(ec, error::connection_failed);  // reported, never repeated
  EXPECT_EQ(server.requests(), 1u);
  auto [ec2, r2] = wait(client.async_fetch_terminal_status("T", token));
  EXPECT_EQ(server.requests(), 2u);  // the GET went through (first try this time)
}

TEST(Transport, cancellation_completes_with_operation_aborted_and_client_stays_usable) {
  std::atomic<int> n{0};
  loopback_server server([&](const served_request&) {
    scripted_answer a;
    if (n++ == 0) a.what = scripted_answer::kind::stall;
    a.body = terminal_json;
    return a;
  });
  running_context ctx;
  terminal_client client(ctx.io.get_executor(), options_for(server));
  asio::cancellation_signal signal;
  std::promise<std::tuple<boost::system::error_code, response<terminal>>> done;
  auto f = done.get_future();
  client.async_fetch_terminal(
      "T", asio::bind_cancellation_slot(signal.slot(),
                                        [&](boost::system::error_code ec, response<terminal> r) {
                                          done.set_value({ec, std::move(r)});
                                        }));
  ASSERT_TRUE(server.wait_for_requests(1));
  asio::post(ctx.io, [&] { signal.emit(asio::cancellation_type::terminal); });
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  auto [ec, r] = f.get();
  EXPECT_EQ(ec, asio::error::operation_aborted);
  EXPECT_EQ(server.requests(), 1u);
  auto [ec2, r2] = wait(client.async_fetch_terminal("T", token));
  EXPECT_FALSE(ec2) << r2.error_detail;
}

TEST(Transport, destroying_the_client_aborts_calls_in_flight) {
  loopback_server server([](const served_request&) {
    scripted_answer a;
    a.what = scripted_answer::kind::stall;
    return a;
  });
  running_context ctx;
  std::future<std::tuple<boost::system::error_code, response<terminal>>> f;
  {
    terminal_client client(ctx.io.get_executor(), options_for(server));
    f = client.async_fetch_terminal("T", token)(asio::use_future);
    ASSERT_TRUE(server.wait_for_requests(1));
  }
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(std::get<0>(f.get()), asio::error::operation_aborted);
  // Had the client kept its keep-alive connection, the server would now wait on it for the
  // next request; it can only see the close once its stalled answer is let go.
  server.release_stalled();
  EXPECT_TRUE(server.wait_for_no_connections());
}

TEST(Transport, connection_refused_is_a_connection_error) {
  std::string url;
  {
    loopback_server gone(ok_terminal);
    url = gone.base_url();
  }
  running_context ctx;
  client_options o;
  o.secret_key = "sk_test_loopback";
  o.base_url = url;
  o.retry.initial_backoff = 1ms;
  terminal_client client(ctx.io.get_executor(), o);
  auto [ec, r] = wait(client.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::connection_failed);
  EXPECT_EQ(r.attempts, 3u);  // nothing was sent: retried up to max_attempts
}

// ---- TLS --------------------------------------------------------------------------------

TEST(Tls, untrusted_certificate_is_refused_by_default) {
  loopback_server server(ok_terminal, /*tls=*/true);
  running_context ctx;
  auto o = options_for(server);
  o.base_url = server.base_url("localhost");
  terminal_client client(ctx.io.get_executor(), o);
  auto [ec, r] = wait(client.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::tls_failed);
  EXPECT_NE(r.error_detail.find("certificate"), std::string::npos) << r.error_detail;
  EXPECT_EQ(server.requests(), 0u);
}

TEST(Tls, trusted_ca_and_matching_name_succeeds) {
  loopback_server server(ok_terminal, /*tls=*/true);
  running_context ctx;
  auto o = options_for(server);
  o.base_url = server.base_url("localhost");
  o.ca_file = std::string(PAYSTACK_TEST_DATA_DIR) + "/test-ca.pem";
  terminal_client client(ctx.io.get_executor(), o);
  for (int i = 0; i < 3; ++i) {
    auto [ec, r] = wait(client.async_fetch_terminal("T", token));
    ASSERT_FALSE(ec) << r.error_detail;
    EXPECT_TRUE(r.ok());
  }
  EXPECT_EQ(server.connections(), 1u);
  bool host_ok = false;
  const auto seen = server.seen();
  for (const auto& [k, v] : seen.at(0).headers)
    if (k == "Host") host_ok = v.rfind("localhost:", 0) == 0;
  EXPECT_TRUE(host_ok);
}

// A server that takes the TCP connection and closes it at once: the handshake breaks with no
// certificate problem, so it is a connection failure (retried: nothing was sent), not tls_failed.
TEST(Tls, connection_closed_during_the_handshake_is_a_connection_failure) {
  running_context ctx;
  asio::ip::tcp::acceptor acceptor(ctx.io, {asio::ip::make_address("127.0.0.1"), 0});
  std::atomic<int> accepted{0};
  std::function<void()> accept_next = [&] {
    acceptor.async_accept([&](boost::system::error_code ec, asio::ip::tcp::socket s) {
      if (ec) return;
      ++accepted;
      s.close();
      accept_next();
    });
  };
  asio::post(ctx.io, accept_next);
  client_options o;
  o.secret_key = "sk_test_loopback";
  o.base_url = "https://localhost:" + std::to_string(acceptor.local_endpoint().port());
  o.ca_file = std::string(PAYSTACK_TEST_DATA_DIR) + "/test-ca.pem";
  o.retry.initial_backoff = 1ms;
  o.retry.max_backoff = 2ms;
  {
    terminal_client client(ctx.io.get_executor(), o);
    auto [ec, r] = wait(client.async_fetch_terminal("T", token));
    EXPECT_EQ(ec, error::connection_failed) << r.error_detail;
    EXPECT_NE(r.error_detail.find("TLS handshake"), std::string::npos) << r.error_detail;
    EXPECT_EQ(r.attempts, 3u);
  }
  EXPECT_GE(accepted.load(), 3);
  std::promise<void> closed;
  asio::post(ctx.io, [&] {
    acceptor.close();
    closed.set_value();
  });
  closed.get_future().wait();
}

// A certificate that names its host in the subject CN only, without a subjectAltName, is refused
// for a host name (RFC 6125 6.4.4, as browsers do): OpenSSL falls back to the CN unless told
// not to. The chain itself verifies (the reason is the name), and localhost.pem (SAN) passes.
TEST(Tls, certificate_with_a_cn_but_no_subject_alt_name_is_refused) {
  loopback_server server(ok_terminal, /*tls=*/true, "cn-only-localhost");
  running_context ctx;
  auto o = options_for(server);
  o.base_url = server.base_url("localhost");
  o.ca_file = std::string(PAYSTACK_TEST_DATA_DIR) + "/cn-only-ca.pem";
  terminal_client client(ctx.io.get_executor(), o);
  auto [ec, r] = wait(client.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::tls_failed) << r.error_detail;
  EXPECT_NE(r.error_detail.find("hostname mismatch"), std::string::npos) << r.error_detail;
  EXPECT_EQ(server.requests(), 0u);

  loopback_server san(ok_terminal, /*tls=*/true);
  o.base_url = san.base_url("localhost");
  o.ca_file = std::string(PAYSTACK_TEST_DATA_DIR) + "/test-ca.pem";
  terminal_client good(ctx.io.get_executor(), o);
  auto [ec2, r2] = wait(good.async_fetch_terminal("T", token));
  EXPECT_FALSE(ec2) << r2.error_detail;
}

TEST(Tls, trusted_ca_but_wrong_host_name_is_refused) {
  loopback_server server(ok_terminal, /*tls=*/true);
  running_context ctx;
  auto o = options_for(server);
  o.base_url = server.base_url("127.0.0.1");  // the certificate names localhost only
  o.ca_file = std::string(PAYSTACK_TEST_DATA_DIR) + "/test-ca.pem";
  terminal_client client(ctx.io.get_executor(), o);
  auto [ec, r] = wait(client.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::tls_failed);
  EXPECT_EQ(server.requests(), 0u);
}

// ---- warnings: weakened security checks are logged once per client --------------------------

/// What a client's logger received.
struct log_capture {
  std::mutex m;
  std::vector<std::string> warnings;
  std::size_t attempts = 0;
  bool warning_after_attempt = false;

  std::function<void(const log_record&)> logger() {
    return [this](const log_record& r) {
      std::lock_guard lock(m);
      if (r.kind == log_kind::warning) {
        warnings.emplace_back(r.message);
        warning_after_attempt = warning_after_attempt || attempts > 0;
      } else {
        ++attempts;
      }
    };
  }
};

/// Three calls on a client and a copy of it; every one must succeed.
void three_calls(const terminal_client& client) {
  terminal_client copy = client;
  const terminal_client* calls[] = {&client, &client, &copy};
  for (const auto* c : calls) {
    auto [ec, r] = wait(c->async_fetch_terminal("T", token));
    ASSERT_FALSE(ec) << r.error_detail;
  }
}

TEST(Warnings, insecure_http_to_a_host_that_is_not_a_loopback_address_warns_once) {
  loopback_server server(ok_terminal);
  running_context ctx;
  log_capture log;
  auto o = options_for(server);
  o.base_url = server.base_url("localhost");  // a name: not loopback, whatever it resolves to
  o.allow_insecure_http = true;
  o.logger = log.logger();
  {
    terminal_client client(ctx.io.get_executor(), o);
    three_calls(client);
  }
  std::lock_guard lock(log.m);
  EXPECT_EQ(log.attempts, 3u);
  ASSERT_EQ(log.warnings.size(), 1u);
  EXPECT_NE(log.warnings[0].find("allow_insecure_http"), std::string::npos) << log.warnings[0];
  EXPECT_NE(log.warnings[0].find("localhost:" + std::to_string(server.port())), std::string::npos)
      << log.warnings[0];
  EXPECT_EQ(log.warnings[0].find(o.secret_key), std::string::npos);
  EXPECT_FALSE(log.warning_after_attempt);
}

TEST(Warnings, loopback_address_and_the_system_store_do_not_warn) {
  env_guard file("SSL_CERT_FILE", nullptr);
  env_guard dir("SSL_CERT_DIR", nullptr);
  loopback_server plain(ok_terminal);
  running_context ctx;
  log_capture log;
  auto o = options_for(plain);  // http://127.0.0.1:PORT
  o.allow_insecure_http = true;
  o.logger = log.logger();
  terminal_client client(ctx.io.get_executor(), o);
  three_calls(client);
  loopback_server tls(ok_terminal, /*tls=*/true);
  o.base_url = tls.base_url("localhost");
  terminal_client system_store(ctx.io.get_executor(), o);
  auto [ec, r] = wait(system_store.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::tls_failed) << "the test CA is not in the system store";
  std::lock_guard lock(log.m);
  EXPECT_TRUE(log.warnings.empty()) << log.warnings.front();
}

TEST(Warnings, ca_file_replacing_the_trust_store_warns_once) {
  loopback_server server(ok_terminal, /*tls=*/true);
  running_context ctx;
  log_capture log;
  auto o = options_for(server);
  o.base_url = server.base_url("localhost");
  o.ca_file = std::string(PAYSTACK_TEST_DATA_DIR) + "/test-ca.pem";
  o.logger = log.logger();
  {
    terminal_client client(ctx.io.get_executor(), o);
    three_calls(client);
  }
  std::lock_guard lock(log.m);
  ASSERT_EQ(log.warnings.size(), 1u);
  EXPECT_NE(log.warnings[0].find("trust store"), std::string::npos) << log.warnings[0];
  EXPECT_NE(log.warnings[0].find(o.ca_file), std::string::npos) << log.warnings[0];
  EXPECT_FALSE(log.warning_after_attempt);
}

TEST(Warnings, ssl_cert_file_replacing_the_trust_store_warns_once) {
  const std::string ca = std::string(PAYSTACK_TEST_DATA_DIR) + "/test-ca.pem";
  env_guard file("SSL_CERT_FILE", ca.c_str());
  env_guard dir("SSL_CERT_DIR", nullptr);
  loopback_server server(ok_terminal, /*tls=*/true);
  running_context ctx;
  log_capture log;
  auto o = options_for(server);
  o.base_url = server.base_url("localhost");
  o.logger = log.logger();
  {
    terminal_client client(ctx.io.get_executor(), o);
    three_calls(client);  // OpenSSL trusts the test CA because of SSL_CERT_FILE
  }
  std::lock_guard lock(log.m);
  ASSERT_EQ(log.warnings.size(), 1u);
  EXPECT_NE(log.warnings[0].find("SSL_CERT_FILE=" + ca), std::string::npos) << log.warnings[0];
}

}  // namespace
}  // namespace paystack::test
