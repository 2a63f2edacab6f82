// Secrets of a PostgreSQL conninfo: see conninfo.hpp.
#include "pg/conninfo.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace paystack {
inline namespace v0 {
namespace pg {

namespace {

constexpr std::string_view reserved = "@/?#:&=";

bool is_url(std::string_view s) {
  return s.starts_with("postgres://") || s.starts_with("postgresql://");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// `s` with its %XX escapes decoded; std::nullopt when one is malformed.
std::optional<std::string> percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

/// Adds `secret`, its decoded form and its pieces between reserved characters.
void add_secret(std::vector<std::string>& out, std::string_view secret) {
  if (secret.empty()) return;
  out.emplace_back(secret);
  if (auto decoded = percent_decoded(secret); decoded && !decoded->empty()) out.push_back(*decoded);
  std::size_t start = 0;
  while (start < secret.size()) {
    const auto end = secret.find_first_of(reserved, start);
    const auto piece = secret.substr(start, end == std::string_view::npos ? end : end - start);
    if (!piece.empty() && piece.size() != secret.size()) add_secret(out, piece);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

/// The password of `userinfo` (after its first ':'), when there is one.
void add_userinfo_password(std::vector<std::string>& out, std::string_view userinfo) {
  const auto colon = userinfo.find(':');
  if (colon != std::string_view::npos) add_secret(out, userinfo.substr(colon + 1));
}

void add_url_secrets(std::vector<std::string>& out, std::string_view url) {
  const auto rest = url.substr(url.find("://") + 3);
  // Up to the URL's last '@' (a password with '?', '/' or '#' in it, as a reader sees it).
  if (const auto last = rest.rfind('@'); last != std::string_view::npos)
    add_userinfo_password(out, rest.substr(0, last));
  // RFC 3986: the authority ends at the first '/', '?' or '#'; the userinfo at its last '@'.
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos)
    add_userinfo_password(out, authority.substr(0, at));
  // libpq: the credentials end at the first '@' met before any '/'.
  if (const auto at = rest.find_first_of("@/"); at != std::string_view::npos && rest[at] == '@')
    add_userinfo_password(out, rest.substr(0, at));
  // password=... parameters, wherever they are (after '?' or '&', or a '?' inside a password).
  for (auto at = rest.find("password="); at != std::string_view::npos;
       at = rest.find("password=", at + 1)) {
    const auto value = rest.substr(at + 9);
    add_secret(out, value.substr(0, value.find_first_of("&#")));
  }
}

/// The value of `password` in a key=value connection string (quoted or not).
void add_keyword_secrets(std::vector<std::string>& out, std::string_view s) {
  for (auto at = s.find("password"); at != std::string_view::npos;
       at = s.find("password", at + 1)) {
    auto v = s.substr(at + 8);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    if (v.empty() || v.front() != '=') continue;
    v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    std::string value;
    if (!v.empty() && v.front() == '\'') {
      const auto close = v.find('\'', 1);
      add_secret(out, v.substr(1, close == std::string_view::npos ? close : close - 1));
      for (std::size_t i = 1; i < v.size() && v[i] != '\''; ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        value += v[i];
      }
    } else {
      value = std::string(v.substr(0, v.find_first_of(" \t\n\r")));
    }
    add_secret(out, value);
  }
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::vector<std::string> conninfo_secrets(std::string_view conninfo) {
  std::vector<std::string> out;
  if (is_url(conninfo)) {
    add_url_secrets(out, conninfo);
  } else {
    add_keyword_secrets(out, conninfo);
  }
  // What libpq itself takes for the password.
  const std::string text(conninfo);
  char* error = nullptr;
  if (PQconninfoOption* options = PQconninfoParse(text.c_str(), &error)) {
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (std::string_view(o->keyword) == "password" && o->val != nullptr) add_secret(out, o->val);
    }
    PQconninfoFree(options);
  }
  if (error != nullptr) PQfreemem(error);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  std::vector<const std::string*> order;
  for (const auto& s : secrets)
    if (!s.empty()) order.push_back(&s);
  // Longest first: a secret that is part of another does not leave the rest of it behind.
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->size() > b->size(); });
  for (const auto* secret : order) {
    const bool anywhere = secret->size() >= 4;
    for (auto pos = out.find(*secret); pos != std::string::npos; pos = out.find(*secret, pos)) {
      const auto end = pos + secret->size();
      const bool word =
          (pos == 0 || !word_char(out[pos - 1])) && (end == out.size() || !word_char(out[end]));
      if (anywhere || word) {
        out.replace(pos, secret->size(), redacted_text);
        pos += redacted_text.size();
      } else {
        ++pos;
      }
    }
  }
  return out;
}

std::string shown_url(std::string_view url) {
  if (!is_url(url)) return "(connection string)";
  const auto scheme_end = url.find("://") + 3;
  std::string out(url.substr(0, scheme_end));
  auto rest = url.substr(scheme_end);
  // Everything up to the last '@' is userinfo, whatever a password holds; only the user stays.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const auto user = rest.substr(0, at);
    out += user.substr(0, user.find_first_of(":?/#"));
    out += '@';
    rest = rest.substr(at + 1);
  }
  out += rest.substr(0, rest.find_first_of("?#"));  // parameters may hold a password
  return redact_secrets(out, conninfo_secrets(url));
}

}  // namespace pg
}  // namespace v0
}  // namespace paystack
