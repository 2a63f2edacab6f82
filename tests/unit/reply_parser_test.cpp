// The built-in transport's HTTP reply parser: framing, limits, keep-alive, malformed replies, and
// the same result whatever the reply is split into.
#include "http/reply_parser.hpp"

#include <gtest/gtest.h>

#include <paystack/error.hpp>
#include <string>

namespace paystack::detail {
namespace {

struct parsed {
  reply_parser::result result = reply_parser::result::need_more;
  http_reply reply;
  boost::system::error_code ec;
  bool keep_alive = false;
  std::size_t left_over = 0;  ///< bytes after the reply
};

/// Feeds `wire` in pieces of `step` bytes (0: all at once), as the transport does: unconsumed
/// bytes are passed again with the next piece. `eof`: the peer closes after the last byte.
parsed feed(std::string_view wire, std::size_t step = 0, bool eof = false,
            std::size_t max_header = 16 * 1024, std::size_t max_body = 4 * 1024 * 1024) {
  parsed out;
  reply_parser p(out.reply, max_header, max_body);
  std::string buffer;
  std::size_t pos = 0;
  if (step == 0) step = wire.size();
  while (pos < wire.size()) {
    const auto n = std::min(step, wire.size() - pos);
    buffer.append(wire.substr(pos, n));
    pos += n;
    std::size_t used = 0;
    out.result = p.put(buffer, used, out.ec, out.reply.error_detail);
    buffer.erase(0, used);
    if (out.result != reply_parser::result::need_more) break;
  }
  if (out.result == reply_parser::result::need_more && eof && p.put_eof())
    out.result = reply_parser::result::done;
  out.keep_alive = p.keep_alive();
  out.left_over = buffer.size() + (wire.size() - pos);
  return out;
}

constexpr std::string_view nginx_reply =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Wed, 25 Nov 2026 20:00:00 GMT\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 16\r\n"
    "Connection: keep-alive\r\n"
    "X-RateLimit-Remaining: 99\r\n"
    "Retry-After: 3\r\n"
    "\r\n"
    "{\"status\":true }";

TEST(ReplyParser, content_length_reply_in_one_piece_and_byte_by_byte) {
  for (std::size_t step : {0u, 1u, 2u, 7u, 64u}) {
    auto r = feed(nginx_reply, step);
    ASSERT_EQ(r.result, reply_parser::result::done) << "step " << step << ": " << r.ec.message();
    EXPECT_EQ(r.reply.status_code, 200u);
    EXPECT_EQ(r.reply.body, "{\"status\":true }");
    EXPECT_EQ(r.reply.header("content-type"), "application/json");
    EXPECT_EQ(r.reply.header("x-ratelimit-remaining"), "99");
    EXPECT_EQ(r.reply.header("retry-after"), "3");
    EXPECT_EQ(r.reply.header("server"), "");  // not on the allow-list
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(r.left_over, 0u);
  }
}

TEST(ReplyParser, chunked_body_with_extensions_and_trailers) {
  const std::string wire =
      "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nContent-Length: 999\r\n\r\n"
      "5;name=value\r\nhello\r\n"
      "1A\r\n-abcdefghijklmnopqrstuvwxy\r\n"
      "0\r\nX-Trailer: yes\r\n\r\n";
  for (std::size_t step : {0u, 1u, 3u}) {
    auto r = feed(wire, step);
    ASSERT_EQ(r.result, reply_parser::result::done) << "step " << step << ": " << r.ec.message();
    EXPECT_EQ(r.reply.status_code, 400u);
    EXPECT_EQ(r.reply.body, "hello-abcdefghijklmnopqrstuvwxy");
    EXPECT_TRUE(r.keep_alive);
  }
}

TEST(ReplyParser, body_until_close_is_complete_only_at_the_close) {
  const std::string wire = "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html>oops";
  auto open = feed(wire);
  EXPECT_EQ(open.result, reply_parser::result::need_more);
  auto closed = feed(wire, 4, true);
  ASSERT_EQ(closed.result, reply_parser::result::done);
  EXPECT_EQ(closed.reply.body, "<html>oops");
  EXPECT_FALSE(closed.keep_alive);
}

TEST(ReplyParser, truncated_reply_is_not_complete_at_the_close) {
  auto r = feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", 0, true);
  EXPECT_EQ(r.result, reply_parser::result::need_more);
  auto head_only = feed("HTTP/1.1 200 OK\r\nContent-Le", 0, true);
  EXPECT_EQ(head_only.result, reply_parser::result::need_more);
}

TEST(ReplyParser, interim_replies_are_skipped) {
  auto r = feed(
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nContent-Type: text/plain\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}",
      5);
  ASSERT_EQ(r.result, reply_parser::result::done);
  EXPECT_EQ(r.reply.status_code, 201u);
  EXPECT_EQ(r.reply.body, "{}");
  EXPECT_EQ(r.reply.header("content-type"), "");  // the interim reply's header is dropped
}

TEST(ReplyParser, no_body_for_204_and_304) {
  for (auto wire : {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
                    "HTTP/1.1 304 Not Modified\r\n\r\n"}) {
    auto r = feed(wire);
    EXPECT_EQ(r.result, reply_parser::result::done) << wire;
    EXPECT_TRUE(r.reply.body.empty());
  }
}

TEST(ReplyParser, keep_alive_follows_version_and_connection) {
  EXPECT_FALSE(
      feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_FALSE(feed("HTTP/1.1 200 OK\r\nconnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n")
                   .keep_alive);
  EXPECT_FALSE(feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_TRUE(
      feed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_TRUE(feed("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").keep_alive);
}

TEST(ReplyParser, bytes_after_the_reply_are_left_unconsumed) {
  auto r = feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n");
  ASSERT_EQ(r.result, reply_parser::result::done);
  EXPECT_EQ(r.left_over, 17u);
}

TEST(ReplyParser, malformed_replies_are_bad_responses) {
  for (auto wire : {
           "HTTP/2 200 OK\r\n\r\n",
           "HTTP/1.1 20 OK\r\n\r\n",
           "HTTP/1.1 2x0 OK\r\n\r\n",
           "HTTP/1.1 200OK\r\n\r\n",
           "ICY 200 OK\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
           "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
           "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
           "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
           "HTTP/1.1 101 Switching Protocols\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY",
       }) {
    auto r = feed(wire);
    EXPECT_EQ(r.result, reply_parser::result::failed) << wire;
    EXPECT_EQ(r.ec, error::bad_response) << wire;
    EXPECT_NE(r.reply.error_detail.find("malformed HTTP reply"), std::string::npos) << wire;
  }
}

TEST(ReplyParser, limits_are_enforced_before_buffering_everything) {
  const std::string big_head = "HTTP/1.1 200 OK\r\nX-Pad: " + std::string(300, 'a') + "\r\n\r\n";
  auto head = feed(big_head, 0, false, 256);
  EXPECT_EQ(head.ec, error::response_too_large);
  auto unfinished_head = feed("HTTP/1.1 200 OK\r\nX-Pad: " + std::string(300, 'a'), 0, false, 256);
  EXPECT_EQ(unfinished_head.ec, error::response_too_large);

  auto declared = feed("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", 0, false, 1024, 100);
  EXPECT_EQ(declared.ec, error::response_too_large);
  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" +
                              std::string(64, 'x') + "\r\n40\r\n" + std::string(64, 'y') +
                              "\r\n0\r\n\r\n";
  auto chunks = feed(chunked, 0, false, 1024, 100);
  EXPECT_EQ(chunks.ec, error::response_too_large);
  auto until_close = feed("HTTP/1.1 200 OK\r\n\r\n" + std::string(101, 'z'), 0, false, 1024, 100);
  EXPECT_EQ(until_close.ec, error::response_too_large);
  EXPECT_NE(until_close.reply.error_detail.find("size limit"), std::string::npos);
}

}  // namespace
}  // namespace paystack::detail
