// Closing a charge that ended unpaid (issue 21, doc/charges.md "Nothing unpaid stays payable"):
// its payment request would otherwise stay payable by its offline reference, and a late
// payment would be money taken and never recorded. The intent is journaled first ("archiving",
// with the outcome), then the request is verified once more, archived, and checked again: a
// payment found on the way (before the archive, or racing it) makes the charge paid.
#include "charge_flow.hpp"
#include "charge_lookup.hpp"

namespace paystack {
inline namespace v0 {
namespace detail::charge_impl {

bool charge_flow::must_archive(const charge_outcome_pair& out) const {
  if (out.first || p_.keep_open || !out.second.request) return false;
  switch (out.second.outcome) {
    case charge_outcome::declined:
    case charge_outcome::timed_out:
    case charge_outcome::not_delivered:
    case charge_outcome::cancelled:
      return true;
    default:
      return false;
  }
}

asio::awaitable<std::optional<std::string>> charge_flow::archive_unpaid(charge_outcome_pair& out) {
  auto& res = out.second;
  const std::string code = res.request->request_code;
  if (journal_) {
    auto ec = co_await journal_->archiving(res);
    if (ec)
      co_return "; the charge store could not record the archive of " + code + " (" + ec.message() +
          "): nothing was archived, the request may still be paid";
  }
  progress(res.stage, "closing " + code + ": verifying it once more and archiving it");
  // The calls have a timeout of their own: the charge's deadline may have passed already.
  auto close = close_request(client_, code);
  auto closed = co_await std::move(close);
  if (closed.paid) {
    res.outcome = charge_outcome::paid;
    res.reason = "paid (found when closing " + code + ")";
    res.decided_by = "verify";
    res.request->paid = true;
    res.request->status = "success";
    co_return std::nullopt;
  }
  if (closed.closed) {
    res.reason += "; " + code + " is archived (verified unpaid): it cannot be paid any more";
    res.request->archived = true;
    co_return std::nullopt;
  }
  co_return "; " + code + " may still be payable (" + closed.detail +
      "): resume the key or run the reconciler to close it";
}

}  // namespace detail::charge_impl
}  // namespace v0
}  // namespace paystack
