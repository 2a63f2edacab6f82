// The password in a PostgreSQL URL or connection string, and keeping it out of every message.
//
// libpq's own error text may echo parts of the conninfo it was given (a bad `%` escape, `%00`, a
// malformed IPv6 host, a host name it could not resolve), and a URL whose password holds a
// reserved character (`@ ? / # :`) is read differently by libpq, by RFC 3986 and by a reader.
// conninfo_secrets() lists every text that could be the password under any of those readings;
// redact_secrets() removes them from a message. pg::connection applies both to every message it
// passes on, so no libpq text leaves src/flow/store/pg with the password in it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paystack {
inline namespace v0 {
namespace pg {

/// What replaces a secret in a message.
inline constexpr std::string_view redacted_text = "[redacted]";

/// The texts of `conninfo` (postgres:// or postgresql:// URL, or key=value string) that are or
/// may be its password: the password as libpq parses it (PQconninfoParse), the userinfo's
/// password as RFC 3986 reads it, as libpq's URI parser reads it (up to the first '@') and up to
/// the last '@' of the URL, each raw and percent-decoded, each piece of them between reserved
/// characters, and every `password=` parameter's value (raw and decoded). Empty without one.
std::vector<std::string> conninfo_secrets(std::string_view conninfo);

/// `text` with every one of `secrets` replaced by "[redacted]": longest first; one of 4 characters
/// or more wherever it appears, a shorter one where it is a whole word (not between letters or
/// digits), so that a one-letter piece does not garble the message.
std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets);

/// `url` as it may be shown: scheme, user, host, port and database, without the password (all
/// of the userinfo after the user, up to the URL's last '@') and without parameters (which may
/// hold one); then redact_secrets() for what is left. A key=value string shows as
/// "(connection string)".
std::string shown_url(std::string_view url);

}  // namespace pg
}  // namespace v0
}  // namespace paystack
