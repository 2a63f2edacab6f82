// libFuzzer target: any bytes as what a server sends back, through the built-in transport's HTTP
// reply parser. The first byte picks where the bytes are split (as two reads would split them);
// whole or split, the parser must reach the same result, never exceed its limits, and never
// crash, leak or read out of bounds.
// Build: cmake --preset fuzz && cmake --build --preset fuzz --target http_reply_fuzzer
// Run:   build/fuzz/fuzz/http_reply_fuzzer -max_total_time=30 CORPUS (scripts/fuzz.sh seeds it)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/reply_parser.hpp"

namespace {

using paystack::detail::reply_parser;
constexpr std::size_t max_header = 1024, max_body = 4096;

struct outcome {
  reply_parser::result result = reply_parser::result::need_more;
  paystack::http_reply reply;
  bool eof_done = false;
};

outcome parse(std::string_view wire, std::size_t split) {
  outcome out;
  reply_parser p(out.reply, max_header, max_body);
  std::string buffer;
  boost::system::error_code ec;
  for (auto piece : {wire.substr(0, split), wire.substr(split)}) {
    buffer.append(piece);
    std::size_t used = 0;
    out.result = p.put(buffer, used, ec, out.reply.error_detail);
    if (used > buffer.size()) std::abort();
    buffer.erase(0, used);
    if (out.result != reply_parser::result::need_more) break;
  }
  if (out.result == reply_parser::result::failed && (!ec || out.reply.error_detail.empty()))
    std::abort();  // a refusal always explains itself
  if (out.result == reply_parser::result::need_more) out.eof_done = p.put_eof();
  if (out.reply.body.size() > max_body) std::abort();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t split = wire.empty() ? 0 : data[0] % (wire.size() + 1);
  const auto whole = parse(wire, wire.size());
  const auto pieces = parse(wire, split);
  if (whole.result != pieces.result || whole.eof_done != pieces.eof_done) std::abort();
  if (whole.result == reply_parser::result::done &&
      (whole.reply.status_code != pieces.reply.status_code ||
       whole.reply.body != pieces.reply.body || whole.reply.headers != pieces.reply.headers))
    std::abort();
  return 0;
}
