// An incremental HTTP/1.1 response parser for the built-in transport. It keeps only what
// http_reply carries (status, the allow-listed headers, body) and does no allocation of its own:
// Beast's general parser looked up and validated every header of every reply, about a sixth of
// the client's CPU per call (doc/performance.md).
//
// Supported: Content-Length, chunked transfer coding (extensions and trailers skipped), a body
// delimited by the connection's close, no body for 204 and 304, interim 1xx replies skipped,
// keep-alive by version and the Connection header. Refused as malformed: a bad status line,
// obsolete line folding, bad or conflicting Content-Length, a bad chunk size.
#pragma once

#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <paystack/transport.hpp>
#include <string>
#include <string_view>

namespace paystack {
inline namespace v0 {
namespace detail {

class reply_parser {
 public:
  enum class result { need_more, done, failed };

  /// Fills `out` (status_code, headers, body). Limits: the status line and headers together, and
  /// the body (decoded), in bytes.
  reply_parser(http_reply& out, std::size_t max_header_bytes, std::size_t max_body_bytes);

  /// Parses as much of `data` as it can; `used` says how many bytes were consumed (the caller
  /// drops them and passes the rest again with more bytes after them). On failed, `ec` is
  /// error::response_too_large or error::bad_response and `detail` says why.
  result put(std::string_view data, std::size_t& used, boost::system::error_code& ec,
             std::string& detail);

  /// The peer closed the connection: ends a body delimited by the close. False when the reply
  /// is not complete (truncated).
  bool put_eof() noexcept;

  bool done() const noexcept { return state_ == state::done; }
  /// Whether the connection may carry another request (valid once done()).
  bool keep_alive() const noexcept;

 private:
  enum class state {
    head,
    body_length,
    body_until_close,
    chunk_size,
    chunk_data,
    chunk_end,
    trailers,
    done
  };

  /// What the header fields say about the body.
  struct framing {
    bool chunked = false;
    bool has_transfer_encoding = false;
    bool has_length = false;
    std::uint64_t length = 0;
  };

  result parse_head(std::string_view data, std::size_t& used, boost::system::error_code& ec,
                    std::string& detail);
  /// The header fields (each line ending with CRLF): the ones this parser reads are kept or
  /// noted in `f`; nullptr, or why they are malformed.
  const char* parse_fields(std::string_view fields, framing& f);
  /// After the head of a final reply: the state its body starts in.
  result start_body(unsigned status, const framing& f, boost::system::error_code& ec,
                    std::string& detail);
  result fail(boost::system::error_code& ec, std::string& detail, bool too_large,
              std::string_view why);
  bool append_body(std::string_view s, boost::system::error_code& ec, std::string& detail);

  http_reply& out_;
  std::size_t max_header_;
  std::size_t max_body_;
  state state_ = state::head;
  std::size_t scanned_ = 0;      ///< head bytes already searched for the blank line
  std::uint64_t remaining_ = 0;  ///< body_length, chunk_data
  int version_minor_ = 1;
  bool close_ = false;        ///< Connection: close
  bool keep_alive_ = false;   ///< Connection: keep-alive (for HTTP/1.0)
  bool until_close_ = false;  ///< the body ends with the connection
};

}  // namespace detail
}  // namespace v0
}  // namespace paystack
