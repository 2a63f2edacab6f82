#include "output_filter.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <streambuf>

namespace cli {

namespace {

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

/// An option name (without dashes, before any '=') that introduces a secret.
bool key_like_option(std::string name) {
  for (auto& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
  if (name == "k") return true;
  for (const char* word : {"key", "secret", "token", "password", "passwd", "auth"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

/// Where a Paystack secret key starts in `arg`, or npos.
std::size_t key_start(std::string_view arg) {
  return std::min(arg.find("sk_test_"), arg.find("sk_live_"));
}

/// The length of the UTF-8 sequence at `s[i]` (1 to 4), 0 when it is not UTF-8.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  if (b >= 0xC2 && b <= 0xDF)
    n = 2;
  else if (b >= 0xE0 && b <= 0xEF)
    n = 3;
  else if (b >= 0xF0 && b <= 0xF4)
    n = 4;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

}  // namespace

std::vector<std::string> secrets_in_arguments(int argc, const char* const* argv) {
  std::vector<std::string> out;
  auto add = [&](std::string_view s) {
    if (!s.empty()) out.emplace_back(s);
  };
  // After the `charge`, `charges`, `refund` or `refunds` command, `--key` is the charge's or
  // refund's idempotency key (printed in results and lists), not a secret; a Paystack key given
  // there is still caught by its prefix.
  bool keyed_command = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i] ? argv[i] : "";
    if (const auto at = key_start(arg); at != std::string_view::npos) add(arg.substr(at));
    if (arg == "charge" || arg == "charges" || arg == "refund" || arg == "refunds")
      keyed_command = true;
    if (arg.size() < 2 || arg[0] != '-') continue;
    if (keyed_command && (arg == "--key" || arg.starts_with("--key="))) continue;
    const bool long_form = arg[1] == '-';
    std::string_view name = arg.substr(long_form ? 2 : 1);
    if (!long_form && name.size() > 1 && name[0] == 'k') {  // -kVALUE
      add(name.substr(1));
      continue;
    }
    const auto eq = name.find('=');
    if (!key_like_option(std::string(name.substr(0, eq)))) continue;
    if (eq != std::string_view::npos) {
      add(name.substr(eq + 1));
    } else if (i + 1 < argc && argv[i + 1] && std::strncmp(argv[i + 1], "--", 2) != 0) {
      add(argv[++i]);
    }
  }
  return out;
}

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  std::vector<const std::string*> order;
  for (const auto& s : secrets)
    if (!s.empty()) order.push_back(&s);
  // Longest first: a secret that is part of another does not leave the rest of it behind.
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->size() > b->size(); });
  for (const auto* secret : order) {
    const bool anywhere = secret->size() >= 8;
    for (auto pos = out.find(*secret); pos != std::string::npos; pos = out.find(*secret, pos)) {
      const auto end = pos + secret->size();
      const bool word =
          (pos == 0 || !word_char(out[pos - 1])) && (end == out.size() || !word_char(out[end]));
      if (anywhere || word) {
        out.replace(pos, secret->size(), redacted);
        pos += redacted.size();
      } else {
        ++pos;
      }
    }
  }
  return out;
}

std::string strip_controls(std::string_view text, bool line_breaks) {
  static constexpr std::string_view rewrite_line = "\r\x1b[K";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x7F) {
      out += text[i++];
    } else if (b == '\t') {
      out += text[i++];
    } else if (b == '\n' || b == '\r') {
      if (line_breaks && b == '\n') {
        out += '\n';
      } else if (line_breaks && text.substr(i, rewrite_line.size()) == rewrite_line) {
        out += rewrite_line;
        i += rewrite_line.size() - 1;
      } else if (!line_breaks) {
        out += ' ';
      }
      ++i;
    } else if (b >= 0x80) {
      const auto n = utf8_length(text, i);
      const bool c1 = n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
      if (n != 0 && !c1) out.append(text.substr(i, n));
      i += n == 0 ? 1 : n;
    } else {
      ++i;  // other C0 controls (ESC, BEL, backspace...) and DEL
    }
  }
  return out;
}

/// A stream buffer in front of another: collects text, and passes it on filtered at each line
/// end and flush.
class output_guard::filter final : public std::streambuf {
 public:
  filter(std::ostream& os, std::shared_ptr<std::vector<std::string>> secrets)
      : os_(os), target_(os.rdbuf()), secrets_(std::move(secrets)) {
    os_.rdbuf(this);
  }
  ~filter() override {
    emit(pending_.size());
    target_->pubsync();
    os_.rdbuf(target_);
  }
  filter(const filter&) = delete;
  filter& operator=(const filter&) = delete;

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    xsputn(&ch, 1);
    return c;
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    pending_.append(s, static_cast<std::size_t>(n));
    if (const auto nl = pending_.rfind('\n'); nl != std::string::npos) emit(nl + 1);
    return n;
  }

  int sync() override {
    emit(pending_.size());
    return target_->pubsync();
  }

 private:
  /// Passes on the first `n` collected bytes.
  void emit(std::size_t n) {
    if (n == 0) return;
    const auto text = strip_controls(redact(std::string_view(pending_).substr(0, n), *secrets_),
                                     /*line_breaks=*/true);
    target_->sputn(text.data(), static_cast<std::streamsize>(text.size()));
    pending_.erase(0, n);
  }

  std::ostream& os_;
  std::streambuf* target_;
  std::shared_ptr<std::vector<std::string>> secrets_;
  std::string pending_;
};

output_guard::output_guard()
    : secrets_(std::make_shared<std::vector<std::string>>()),
      out_(std::make_unique<filter>(std::cout, secrets_)),
      err_(std::make_unique<filter>(std::cerr, secrets_)) {}

output_guard::~output_guard() = default;

void output_guard::add_secret(std::string secret) {
  if (!secret.empty()) secrets_->push_back(std::move(secret));
}

}  // namespace cli
