// paystack-terminal: the merchant keys file of `webhooks listen --merchant-keys` and `serve
// --merchant-keys` (several merchants in one receiver; doc/cli.md, "Merchant keys file").
#pragma once

#include <optional>
#include <paystack/webhook.hpp>
#include <string>
#include <vector>

namespace cli {

/// Reads `path`: one `merchant=sk_test_...` (or sk_live_) per line; blank lines and lines
/// starting with '#' are skipped; blanks around the line are ignored, none inside it. Refused
/// (nullopt, the reason in `why`: a line number and a merchant name, never a key): a file that
/// is not a regular file, or that its group or others may read or write (chmod 600), a line
/// without '=', an invalid merchant name (paystack::valid_merchant_name), a key that is not a
/// secret key (sk_test_ or sk_live_, no blanks), a repeated name or key, no entry at all, more
/// than paystack::max_merchant_keys entries, a file over 1 MiB.
std::optional<std::vector<paystack::merchant_key>> read_merchant_keys(const std::string& path,
                                                                      std::string& why);

}  // namespace cli
