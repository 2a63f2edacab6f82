// The merchant keys file (merchant_keys.hpp): strict, and silent about the keys it reads.
#include "merchant_keys.hpp"

#include <sys/stat.h>

#include <fstream>
#include <paystack/webhook_server.hpp>
#include <set>
#include <string_view>

#include "output_filter.hpp"

namespace cli {
namespace {

constexpr std::uintmax_t max_file_bytes = 1024 * 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_secret_key(std::string_view k) {
  if (!k.starts_with("sk_test_") && !k.starts_with("sk_live_")) return false;
  if (k.size() == 8 || k.size() > 200) return false;
  for (char c : k)
    if (c <= ' ' || c >= 0x7f) return false;
  return true;
}

/// Why the file itself is refused, or "".
std::string check_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "cannot read " + server_text(path);
  if (!S_ISREG(st.st_mode)) return server_text(path) + " is not a regular file";
  if ((st.st_mode & 077) != 0)
    return server_text(path) +
           " may be read or written by other users: it holds secret keys (chmod 600 it)";
  if (static_cast<std::uintmax_t>(st.st_size) > max_file_bytes)
    return server_text(path) + " is over 1 MiB: not a merchant keys file";
  return {};
}

/// Why line `n` (trimmed, not blank, not a comment) is refused, or "" when it was added.
std::string read_line(std::string_view line, std::size_t n, std::set<std::string>& names,
                      std::set<std::string>& keys, std::vector<paystack::merchant_key>& out) {
  const auto where = "line " + std::to_string(n) + ": ";
  const auto eq = line.find('=');
  if (eq == std::string_view::npos) return where + "not merchant=sk_test_... (no '=')";
  const auto name = line.substr(0, eq);
  const auto key = line.substr(eq + 1);
  if (!paystack::valid_merchant_name(name))
    return where + "a merchant name is 1 to 64 of A-Z a-z 0-9 _ . - (no blanks)";
  if (!is_secret_key(key))
    return where + "merchant " + std::string(name) +
           ": not a secret key (sk_test_... or sk_live_..., no blanks)";
  if (!names.insert(std::string(name)).second)
    return where + "merchant " + std::string(name) + " is given twice";
  if (!keys.insert(std::string(key)).second)
    return where + "merchant " + std::string(name) + " has the same key as another merchant";
  out.push_back({std::string(name), std::string(key)});
  return {};
}

}  // namespace

std::optional<std::vector<paystack::merchant_key>> read_merchant_keys(const std::string& path,
                                                                      std::string& why) {
  if (why = check_file(path); !why.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot read " + server_text(path);
    return std::nullopt;
  }
  std::vector<paystack::merchant_key> out;
  std::set<std::string> names, keys;
  std::string raw;
  for (std::size_t n = 1; std::getline(in, raw); ++n) {
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (why = read_line(line, n, names, keys, out); !why.empty()) return std::nullopt;
    if (out.size() > paystack::max_merchant_keys) {
      why = "more than " + std::to_string(paystack::max_merchant_keys) + " merchants";
      return std::nullopt;
    }
  }
  if (out.empty()) {
    why = server_text(path) + " names no merchant (lines of merchant=sk_test_...)";
    return std::nullopt;
  }
  return out;
}

}  // namespace cli
