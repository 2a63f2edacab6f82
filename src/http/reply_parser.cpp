#include "http/reply_parser.hpp"

#include <algorithm>
#include <charconv>
#include <paystack/error.hpp>

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::size_t max_chunk_line = 1024;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower_b[i]) return false;
  return true;
}

bool istarts_with(std::string_view a, std::string_view lower_prefix) {
  return a.size() >= lower_prefix.size() && iequals(a.substr(0, lower_prefix.size()), lower_prefix);
}

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

/// Calls f(token) for each comma-separated token of a header value, trimmed.
template <class F>
void for_each_token(std::string_view value, F f) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    f(trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

bool parse_decimal(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

reply_parser::reply_parser(http_reply& out, std::size_t max_header_bytes,
                           std::size_t max_body_bytes)
    : out_(out), max_header_(max_header_bytes), max_body_(max_body_bytes) {}

bool reply_parser::keep_alive() const noexcept {
  if (state_ != state::done || until_close_) return false;
  if (close_) return false;
  return version_minor_ >= 1 || keep_alive_;
}

reply_parser::result reply_parser::fail(boost::system::error_code& ec, std::string& detail,
                                        bool too_large, std::string_view why) {
  if (too_large) {
    ec = error::response_too_large;
    detail = "reply exceeds the size limit: ";
  } else {
    ec = error::bad_response;
    detail = "malformed HTTP reply: ";
  }
  detail += why;
  return result::failed;
}

bool reply_parser::append_body(std::string_view s, boost::system::error_code& ec,
                               std::string& detail) {
  if (out_.body.size() + s.size() > max_body_) {
    fail(ec, detail, true, "body limit exceeded");
    return false;
  }
  out_.body.append(s.data(), s.size());
  return true;
}

namespace {

/// `HTTP/1.x SSS[ reason]`: nullptr and the status, or why it is malformed.
const char* parse_status_line(std::string_view line, unsigned& status) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || (line[7] != '0' && line[7] != '1') ||
      line[8] != ' ' || (line.size() > 12 && line[12] != ' '))
    return "bad status line";
  status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    const char c = line[i];
    if (c < '0' || c > '9') return "bad status code";
    status = status * 10 + static_cast<unsigned>(c - '0');
  }
  if (status < 100) return "bad status code";
  for (char c : line)
    if (c == '\0' || c == '\n' || c == '\r') return "bad status line";
  return nullptr;
}

}  // namespace

reply_parser::result reply_parser::parse_head(std::string_view data, std::size_t& used,
                                              boost::system::error_code& ec, std::string& detail) {
  used = 0;
  const auto end = data.find("\r\n\r\n", scanned_ > 3 ? scanned_ - 3 : 0);
  if (end == std::string_view::npos) {
    if (data.size() > max_header_) return fail(ec, detail, true, "header limit exceeded");
    scanned_ = data.size();
    return result::need_more;
  }
  const std::size_t head_size = end + 4;
  if (head_size > max_header_) return fail(ec, detail, true, "header limit exceeded");
  scanned_ = 0;

  std::string_view head = data.substr(0, end + 2);  // every line ends with CRLF
  const auto line_end = head.find(crlf);
  const auto status_line = head.substr(0, line_end);
  unsigned status = 0;
  if (const char* why = parse_status_line(status_line, status)) return fail(ec, detail, false, why);
  version_minor_ = status_line[7] - '0';
  close_ = false;
  keep_alive_ = false;
  out_.headers.clear();

  framing f;
  head.remove_prefix(line_end + 2);
  if (const char* why = parse_fields(head, f)) return fail(ec, detail, false, why);
  used = head_size;

  if (status < 200) {  // interim reply (100 Continue, 103 Early Hints): the real one follows
    if (status == 101) return fail(ec, detail, false, "unexpected protocol switch");
    out_.headers.clear();
    return result::done;  // state_ stays head
  }
  return start_body(status, f, ec, detail);
}

const char* reply_parser::parse_fields(std::string_view head, framing& f) {
  while (!head.empty()) {
    const auto le = head.find(crlf);
    const auto line = head.substr(0, le);
    head.remove_prefix(le + 2);
    if (is_ows(line.front())) return "obsolete line folding";
    // The name: up to the colon, no spaces or control characters (one pass).
    std::size_t colon = 0;
    for (; colon < line.size() && line[colon] != ':'; ++colon) {
      const auto c = static_cast<unsigned char>(line[colon]);
      if (c <= 0x20 || c == 0x7f) return "bad header name";
    }
    if (colon == line.size() || colon == 0) return "header line without a name";
    const auto name = line.substr(0, colon);
    // Only the headers this parser reads start with c, t, r or x; the others (Date, Server,
    // ...) are skipped without looking at their values.
    const char first = lower(name.front());
    if (first != 'c' && first != 't' && first != 'r' && first != 'x') continue;
    const auto value = trim(line.substr(colon + 1));
    for (char c : value)
      if (c == '\0' || c == '\r' || c == '\n') return "bad header value";

    if (iequals(name, "content-length")) {
      std::uint64_t n = 0;
      if (!parse_decimal(value, n) || (f.has_length && n != f.length)) return "bad Content-Length";
      f.has_length = true;
      f.length = n;
    } else if (iequals(name, "transfer-encoding")) {
      f.has_transfer_encoding = true;
      std::string_view last;
      for_each_token(value, [&](std::string_view t) {
        if (!t.empty()) last = t;
      });
      f.chunked = iequals(last, "chunked");
    } else if (iequals(name, "connection")) {
      for_each_token(value, [&](std::string_view t) {
        if (iequals(t, "close")) close_ = true;
        if (iequals(t, "keep-alive")) keep_alive_ = true;
      });
    } else if (iequals(name, "content-type") || iequals(name, "retry-after") ||
               (name.size() > 12 && istarts_with(name, "x-ratelimit-"))) {
      out_.headers.emplace_back(std::string(name), std::string(value));
    }
  }
  return nullptr;
}

reply_parser::result reply_parser::start_body(unsigned status, const framing& f,
                                              boost::system::error_code& ec, std::string& detail) {
  out_.status_code = status;
  if (status == 204 || status == 304) {
    state_ = state::done;
  } else if (f.has_transfer_encoding) {
    // Transfer-Encoding overrides Content-Length (RFC 9112 6.3); a coding other than chunked
    // last means the body ends with the connection.
    state_ = f.chunked ? state::chunk_size : state::body_until_close;
  } else if (f.has_length) {
    if (f.length > max_body_) return fail(ec, detail, true, "body limit exceeded");
    out_.body.reserve(static_cast<std::size_t>(f.length));
    remaining_ = f.length;
    state_ = f.length ? state::body_length : state::done;
  } else {
    state_ = state::body_until_close;
  }
  until_close_ = state_ == state::body_until_close;
  return result::done;
}

reply_parser::result reply_parser::put(std::string_view data, std::size_t& used,
                                       boost::system::error_code& ec, std::string& detail) {
  used = 0;
  for (;;) {
    const auto rest = data.substr(used);
    switch (state_) {
      case state::head: {
        std::size_t n = 0;
        const auto r = parse_head(rest, n, ec, detail);
        used += n;
        if (r != result::done) return r;
        break;
      }
      case state::body_length:
      case state::chunk_data: {
        if (rest.empty()) return result::need_more;
        const auto take =
            static_cast<std::size_t>(std::min<std::uint64_t>(rest.size(), remaining_));
        if (!append_body(rest.substr(0, take), ec, detail)) return result::failed;
        used += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = state_ == state::chunk_data ? state::chunk_end : state::done;
        break;
      }
      case state::body_until_close:
        if (!append_body(rest, ec, detail)) return result::failed;
        used += rest.size();
        return result::need_more;
      case state::chunk_size: {
        const auto le = rest.find(crlf);
        if (le == std::string_view::npos) {
          if (rest.size() > max_chunk_line) return fail(ec, detail, false, "bad chunk size");
          return result::need_more;
        }
        auto line = rest.substr(0, le);
        line = line.substr(0, line.find(';'));  // chunk extensions are ignored
        line = trim(line);
        std::uint64_t size = 0;
        if (line.empty() || line.size() > 15) return fail(ec, detail, false, "bad chunk size");
        auto [p, e] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
        if (e != std::errc{} || p != line.data() + line.size())
          return fail(ec, detail, false, "bad chunk size");
        used += le + 2;
        if (size == 0) {
          state_ = state::trailers;
        } else {
          remaining_ = size;
          state_ = state::chunk_data;
        }
        break;
      }
      case state::chunk_end:
        if (rest.size() < 2) return result::need_more;
        if (rest.substr(0, 2) != crlf) return fail(ec, detail, false, "bad chunk end");
        used += 2;
        state_ = state::chunk_size;
        break;
      case state::trailers: {
        const auto le = rest.find(crlf);
        if (le == std::string_view::npos) {
          if (rest.size() > max_header_) return fail(ec, detail, true, "header limit exceeded");
          return result::need_more;
        }
        used += le + 2;
        if (le == 0) state_ = state::done;
        break;
      }
      case state::done:
        return result::done;
    }
  }
}

bool reply_parser::put_eof() noexcept {
  if (state_ == state::body_until_close) state_ = state::done;
  return state_ == state::done;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
