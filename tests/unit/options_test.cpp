// Configuration: environment lookup, refusals, secrets never in messages.
#include <cstdlib>

#include "client_fixture.hpp"
#include "env_guard.hpp"
#include "http/endpoint.hpp"

namespace paystack::test {
namespace {

class Configuration : public client_fixture {};

TEST_F(Configuration, missing_key_fails_every_operation_without_sending) {
  env_guard g("PAYSTACK_SECRET_KEY", nullptr);
  client_options o;
  o.transport = fake;
  terminal_client c(io.get_executor(), o);
  EXPECT_EQ(c.configuration_error(), error::missing_secret_key);
  auto [ec, r] = finish(c.async_fetch_terminal("T", token));
  EXPECT_EQ(ec, error::missing_secret_key);
  EXPECT_NE(r.error_detail.find("PAYSTACK_SECRET_KEY"), std::string::npos);
  EXPECT_EQ(fake->request_count(), 0u);
}

TEST_F(Configuration, key_and_base_url_from_environment) {
  env_guard k("PAYSTACK_SECRET_KEY", "sk_test_fromenv");
  env_guard u("PAYSTACK_BASE_URL", "http://127.0.0.1:9/prefix");
  client_options o;
  o.transport = fake;
  terminal_client c(io.get_executor(), o);
  EXPECT_FALSE(c.configuration_error());
  EXPECT_EQ(c.base_url(), "http://127.0.0.1:9/prefix");
  fake->push(json_reply(200, R"({"status":true,"message":"ok","data":{"delivered":true}})"));
  finish(c.async_fetch_event_status("T", "E", token));
  auto req = fake->requests().at(0);
  EXPECT_EQ(req.header("Authorization"), "Bearer sk_test_fromenv");
  EXPECT_EQ(req.target, "/prefix/terminal/T/event/E");
}

TEST_F(Configuration, explicit_options_win_over_environment) {
  env_guard u("PAYSTACK_BASE_URL", "http://127.0.0.1:9");
  terminal_client c(io.get_executor(), options());
  EXPECT_EQ(c.base_url(), "https://api.paystack.co");
}

TEST_F(Configuration, default_base_url_is_paystack) {
  env_guard u("PAYSTACK_BASE_URL", nullptr);
  client_options o = options();
  o.base_url.clear();
  terminal_client c(io.get_executor(), o);
  EXPECT_EQ(c.base_url(), "https://api.paystack.co");
}

TEST_F(Configuration, plain_http_refused_for_remote_hosts) {
  client_options o = options();
  o.base_url = "http://api.paystack.co";
  terminal_client c(io.get_executor(), o);
  EXPECT_EQ(c.configuration_error(), error::insecure_transport);
  auto [ec, r] = finish(c.async_list_terminals({}, token));
  EXPECT_EQ(ec, error::insecure_transport);
  EXPECT_EQ(fake->request_count(), 0u);

  o.allow_insecure_http = true;
  terminal_client opted_in(io.get_executor(), o);
  EXPECT_FALSE(opted_in.configuration_error());
}

TEST_F(Configuration, invalid_base_urls) {
  for (const char* url : {"ftp://x", "not a url", "https://user:pw@api.paystack.co",
                          "https://api.paystack.co/?q=1", "https://"}) {
    client_options o = options();
    o.base_url = url;
    terminal_client c(io.get_executor(), o);
    EXPECT_TRUE(c.configuration_error()) << url;
  }
}

TEST_F(Configuration, key_with_newline_is_refused_and_not_echoed) {
  client_options o = options();
  o.secret_key = "sk_test_abc\r\nX-Injected: 1";
  terminal_client c(io.get_executor(), o);
  EXPECT_EQ(c.configuration_error(), error::invalid_argument);
  auto [ec, r] = finish(c.async_fetch_terminal("T", token));
  EXPECT_EQ(r.error_detail.find("sk_test_abc"), std::string::npos);
  EXPECT_EQ(ec.message().find("sk_test_abc"), std::string::npos);
}

TEST(Endpoint, loopback_detection) {
  EXPECT_TRUE(detail::is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(detail::is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(detail::is_loopback_host("127.255.255.255"));
  EXPECT_TRUE(detail::is_loopback_host("::1"));
  EXPECT_TRUE(detail::is_loopback_host("0:0:0:0:0:0:0:1"));
  EXPECT_FALSE(detail::is_loopback_host("127.0.0.1.evil.com"));
  EXPECT_FALSE(detail::is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(detail::is_loopback_host("api.paystack.co"));
}

// Loopback is an IP literal, not a name that looks like one: these go to the resolver, which
// may answer anything (a hosts file, a DNS server), so plain http to them is refused.
TEST(Endpoint, names_that_look_like_loopback_are_not_loopback) {
  for (const char* host : {"127.0.0.256", "127.0.0.1.", "127.1", "0x7f.0.0.1", "127.000.000.001",
                           "localhost", "localhost.", "::ffff:127.0.0.1", "1.2.3.4"}) {
    EXPECT_FALSE(detail::is_loopback_host(host)) << host;
  }
  for (const char* url :
       {"http://127.0.0.256:8080", "http://127.0.0.256", "http://localhost:8080",
        "http://127.1:8080", "http://0x7f.0.0.1/", "http://[::ffff:127.0.0.1]/"}) {
    detail::endpoint ep;
    std::string why;
    EXPECT_EQ(detail::parse_endpoint(url, false, ep, why), error::insecure_transport) << url;
    EXPECT_FALSE(ep.loopback) << url;
  }
}

// Boost.URL 1.81 reads "http://127.0.0.1.nip.io:8080" as host 127.0.0.1 with the path
// ".nip.io:8080": a path that does not start with '/' after a host is refused.
TEST(Endpoint, path_not_starting_with_a_slash_is_refused) {
  for (const char* url :
       {"http://127.0.0.1.nip.io:8080", "http://127.0.0.1.nip.io",
        "https://127.0.0.1.example.com/v1", "http://127.0.0.1:8080foo", "http://127.0.0.1%2f/",
        "http://127.0.0.1:80.nip.io", "http://127.0.0.1.:8080"}) {
    for (bool insecure : {false, true}) {
      detail::endpoint ep;
      std::string why;
      EXPECT_EQ(detail::parse_endpoint(url, insecure, ep, why), error::invalid_base_url) << url;
    }
  }
  detail::endpoint ep;
  std::string why;
  EXPECT_FALSE(detail::parse_endpoint("http://127.0.0.1:8080", false, ep, why)) << why;
  EXPECT_TRUE(ep.loopback);
  EXPECT_EQ(ep.path_prefix, "");
  EXPECT_FALSE(detail::parse_endpoint("http://127.0.0.1:8080/", false, ep, why)) << why;
  EXPECT_FALSE(detail::parse_endpoint("http://127.9.0.1:8080/v1", false, ep, why)) << why;
  EXPECT_EQ(ep.path_prefix, "/v1");
  EXPECT_FALSE(detail::parse_endpoint("http://[::1]:8080", false, ep, why)) << why;
  EXPECT_FALSE(detail::parse_endpoint("http://localhost:8080", true, ep, why)) << why;
  EXPECT_FALSE(ep.loopback);
}

TEST(Endpoint, parses_ports_prefix_and_ipv6) {
  detail::endpoint ep;
  std::string why;
  ASSERT_FALSE(detail::parse_endpoint("https://api.paystack.co", false, ep, why));
  EXPECT_TRUE(ep.tls);
  EXPECT_EQ(ep.port, "443");
  EXPECT_EQ(ep.host_header, "api.paystack.co");
  ASSERT_FALSE(detail::parse_endpoint("http://[::1]:8080/v1/", false, ep, why));
  EXPECT_EQ(ep.host, "::1");
  EXPECT_EQ(ep.host_header, "[::1]:8080");
  EXPECT_EQ(ep.path_prefix, "/v1");
  ASSERT_FALSE(detail::parse_endpoint("HTTPS://API.Paystack.co:8443", false, ep, why));
  EXPECT_EQ(ep.host, "api.paystack.co");
  EXPECT_EQ(ep.host_header, "api.paystack.co:8443");
}

TEST(ErrorCodes, have_messages_and_category) {
  boost::system::error_code ec = error::bad_response;
  EXPECT_STREQ(ec.category().name(), "paystack");
  EXPECT_FALSE(ec.message().empty());
  EXPECT_NE(ec, boost::system::error_code(error::timeout));
}

}  // namespace
}  // namespace paystack::test
