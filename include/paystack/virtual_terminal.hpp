// paystack/virtual_terminal.hpp: Virtual Terminal models and the parameters of its operations.
//
// A Virtual Terminal is a till point without hardware: customers pay by link, QR code or a
// WhatsApp message sent to its destinations. Paystack's spec and docs disagree on some request
// fields (terminal-api.md §8, items 9 to 11); each parameter says which one is sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <paystack/export.hpp>
#include <paystack/limits.hpp>
#include <string>
#include <string_view>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Most destinations one create or assign call sends ("up to five WhatsApp-enabled phone
/// numbers", Paystack's Virtual Terminal guide). More are refused before sending.
inline constexpr std::size_t max_virtual_terminal_destinations = 5;

/// The kind of a destination (its `type`).
enum class destination_kind {
  whatsapp,  ///< "whatsapp": the only kind Paystack documents
  other,     ///< any other `type`; the text is kept in virtual_terminal_destination::type
};

/// "whatsapp" gives destination_kind::whatsapp, anything else destination_kind::other.
destination_kind to_destination_kind(std::string_view type) noexcept;

/// A destination of a Virtual Terminal: where payment requests are sent (an item of
/// `data.destinations`, or of `data` in Assign Destination's reply).
struct virtual_terminal_destination {
  std::string target;               ///< `target`, a phone number ("+27639022319", "2347081234567")
  std::string type;                 ///< `type` as sent, e.g. "whatsapp"
  std::optional<std::string> name;  ///< `name`, the label (null in the guide's sample)
  std::optional<std::int64_t> id;   ///< `id` (Assign Destination's reply only)
  std::optional<std::string> created_at;  ///< `created_at` (or `createdAt`)
  std::optional<std::string> updated_at;  ///< `updatedAt` (Assign Destination's reply only)

  /// The typed `type`; unknown kinds are destination_kind::other (the text stays in `type`).
  destination_kind kind() const noexcept { return to_destination_kind(type); }
};

/// A way to pay a Virtual Terminal (an item of `data.paymentMethods`), depending on the market:
/// a dedicated NUBAN in Nigeria, mobile money USSD in Ghana, a paybill in Kenya.
struct virtual_terminal_payment_method {
  std::string type;                           ///< `type`, e.g. "dedicated_nuban"
  std::optional<std::string> account_number;  ///< `account_number` (or the USSD code)
  std::optional<std::string> account_name;    ///< `account_name`
  std::optional<std::string> bank;            ///< `bank`, e.g. "Paystack-Titan"
};

/// A Virtual Terminal (`data` of Create and Fetch, an item of List).
struct virtual_terminal {
  std::int64_t id = 0;                      ///< `id` (required)
  std::string code;                         ///< `code`, e.g. "VT_LJK5892Z" (required)
  std::string name;                         ///< `name` (required)
  bool active = false;                      ///< `active` (required)
  std::optional<std::int64_t> integration;  ///< `integration`
  std::optional<std::string> domain;        ///< `domain`: "live" or "test"
  std::optional<std::string> currency;      ///< `currency`, e.g. "ZAR"
  std::optional<std::string> created_at;    ///< `created_at` (not in Create's reply)
  std::optional<std::string> metadata;      ///< `metadata` as serialised JSON; empty when null
  std::vector<virtual_terminal_destination> destinations;        ///< `destinations` (not in List)
  std::vector<virtual_terminal_payment_method> payment_methods;  ///< `paymentMethods`
};

/// The split attached to a Virtual Terminal (`data` of Add Split Code). Subaccounts stay in
/// response::raw_body; their number is `total_subaccounts`.
struct split_code_info {
  std::int64_t id = 0;                            ///< `id` (required)
  std::string split_code;                         ///< `split_code`, e.g. "SPL_HBaFCbbiyI"
  std::optional<std::string> name;                ///< `name`
  std::optional<std::string> type;                ///< `type`: "flat" or "percentage"
  std::optional<std::string> currency;            ///< `currency`
  std::optional<std::int64_t> integration;        ///< `integration`
  std::optional<std::string> domain;              ///< `domain`
  std::optional<bool> active;                     ///< `active`
  std::optional<std::string> bearer_type;         ///< `bearer_type`, e.g. "subaccount"
  std::optional<std::int64_t> bearer_subaccount;  ///< `bearer_subaccount` (an id)
  std::optional<bool> is_dynamic;                 ///< `is_dynamic`
  std::optional<std::int64_t> total_subaccounts;  ///< `total_subaccounts`
  std::optional<std::string> created_at;          ///< `createdAt`
  std::optional<std::string> updated_at;          ///< `updatedAt`
};

/// A destination to assign: `{target, name}` in the request.
struct destination_params {
  /// The WhatsApp number: an optional '+' then 6 to 15 digits (Paystack's samples show both
  /// "+27639022319" and "2347081234567"; it is sent as given).
  std::string target;
  std::string name;  ///< a label, required by the spec (1 to max_id_length characters)
};

/// A custom field shown on the payment page (`custom_fields`, from the docs).
struct virtual_terminal_custom_field {
  std::string display_name;   ///< `display_name`, shown to the customer
  std::string variable_name;  ///< `variable_name`, the key in the transaction's metadata
};

/// Parameters of Create Virtual Terminal. The spec and the docs list different optional
/// fields; every field set here is sent (the spec's `split_code`, the docs' `currency` and
/// `custom_fields`).
struct create_virtual_terminal_params {
  std::string name;                              ///< required, 1 to max_id_length characters
  std::vector<destination_params> destinations;  ///< required by the spec: 1 to 5
  /// A JSON object, as text (`{"till":"3"}`); sent as a JSON object, as the spec types it (the
  /// docs call it a "stringified JSON object"). Anything but an object is refused.
  std::optional<std::string> metadata;
  std::optional<std::string> currency;    ///< docs only; defaults to the integration's currency
  std::optional<std::string> split_code;  ///< spec only
  std::vector<virtual_terminal_custom_field> custom_fields;  ///< docs only
};

/// Parameters of List Virtual Terminals. The docs page with cursors (`next`, `previous`), the
/// spec with page numbers (`page`); both are sent as given, and the reply's meta is read in
/// either shape (page_meta).
struct list_virtual_terminals_params {
  std::optional<std::string> status;    ///< "active" or "inactive" (anything else is refused)
  std::optional<int> per_page;          ///< sent as `perPage`; must be >= 1 when set
  std::optional<int> page;              ///< sent as `page` (spec); must be >= 1 when set
  std::optional<std::string> search;    ///< `search`: a name or code to look for
  std::optional<std::string> next;      ///< `meta.next` of the previous page
  std::optional<std::string> previous;  ///< `meta.previous` of the previous page
};

/// Parameters of Update Virtual Terminal: the spec knows only the name, and requires it.
struct update_virtual_terminal_params {
  std::string name;  ///< the new name, 1 to max_id_length characters
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
