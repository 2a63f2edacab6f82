// paystack-terminal: what reaches the terminal. main() installs an output_guard on std::cout and
// std::cerr, so every byte the CLI prints (its own messages, CLI11's usage errors, server text)
// goes through it: secrets are redacted, and the control characters a terminal would obey
// (ANSI escapes from a hostile server, say) are dropped.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

/// What replaces a secret in the output.
inline constexpr std::string_view redacted = "[redacted]";

/// The secrets on a command line: every argument holding "sk_test_" or "sk_live_" (from there
/// on), and the value of an option whose name looks like a key (--secret-key, --secret_key,
/// --key, -k, --api-key, --token, --password...), as "--opt VALUE", "--opt=VALUE" or "-kVALUE";
/// except `--key` after `charge`/`charges`, the charge key (an order id, printed).
std::vector<std::string> secrets_in_arguments(int argc, const char* const* argv);

/// `text` with every secret replaced by `redacted`. A secret of 8 characters or more is
/// replaced wherever it appears; a shorter one only as a whole word (so that a mistyped
/// one-letter value does not garble every message).
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

/// `text` without the characters a terminal obeys rather than shows: C0 controls, DEL, C1
/// controls (U+0080-U+009F, and such bytes outside UTF-8) and bytes that are not UTF-8. Tab is
/// kept. `line_breaks`: line feeds are kept, and so is "\r\x1b[K" (the CLI's own "rewrite this
/// line", see progress_printer); otherwise CR and LF become spaces (one field on one line).
std::string strip_controls(std::string_view text, bool line_breaks);

/// Server text for one line of output: strip_controls(text, false). Secrets are redacted by the
/// output_guard.
inline std::string server_text(std::string_view text) {
  return strip_controls(text, false);
}

/// Filters std::cout and std::cerr while it lives (main() holds one): redact() with the
/// secrets given, then strip_controls(…, true). Output is passed on at each line end and flush.
class output_guard {
 public:
  output_guard();
  ~output_guard();  ///< flushes, and gives the streams their own buffers back
  output_guard(const output_guard&) = delete;
  output_guard& operator=(const output_guard&) = delete;

  /// From now on, `secret` (when not empty) is redacted on both streams.
  void add_secret(std::string secret);

 private:
  class filter;
  std::shared_ptr<std::vector<std::string>> secrets_;
  std::unique_ptr<filter> out_;
  std::unique_ptr<filter> err_;
};

}  // namespace cli
