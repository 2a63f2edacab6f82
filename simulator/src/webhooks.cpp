// Webhook emission and the delivery log: every emitted webhook is signed and logged (bounded in
// count and bytes), handed to the sender hook when a URL is configured, and updated with the
// sender's attempts.
#include <algorithm>

#include "engine.hpp"
#include "util.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

void engine::emit_locked(std::string_view name, std::string body) {
  webhook_delivery w;
  w.id = next_webhook_id_++;
  w.event = std::string(name);
  if (!valid_utf8(body)) body = to_valid_utf8(body);
  w.signature = hmac_sha512_hex(options_.secret_key, body);
  w.body = std::move(body);
  bool send = !options_.webhook_url.empty() && hooks_.webhook;
  w.status = send ? webhook_status::pending : webhook_status::skipped;
  auto bytes = webhook_bytes(w);
  while (!webhook_log_.empty() && (webhook_log_.size() >= state_limit::webhook_log ||
                                   webhook_log_bytes_ + bytes > options_.max_webhook_log_bytes)) {
    drop_oldest_webhook_locked();
  }
  webhook_log_bytes_ += bytes;
  webhook_log_.push_back(w);
  if (send) {
    hooks_.webhook(generation_, w.id, std::move(w.body), std::move(w.signature));
  } else {
    webhook_cv_.notify_all();
  }
}

void engine::drop_oldest_webhook_locked() {
  webhook_log_bytes_ -= std::min(webhook_log_bytes_, webhook_bytes(webhook_log_.front()));
  webhook_log_.pop_front();
  ++webhook_log_dropped_;
}

void engine::record_attempt(std::uint64_t generation, std::uint64_t id, webhook_attempt attempt,
                            webhook_status status) {
  std::lock_guard lk(mutex_);
  if (generation != generation_ || webhook_log_.empty()) return;
  auto first = webhook_log_.front().id;
  if (id < first || id - first >= webhook_log_.size()) return;
  auto& w = webhook_log_[id - first];
  webhook_log_bytes_ += sizeof(webhook_attempt) + attempt.error.size();
  w.attempts.push_back(std::move(attempt));
  w.status = status;
  webhook_cv_.notify_all();
}

std::vector<webhook_delivery> engine::webhook_log() const {
  std::lock_guard lk(mutex_);
  return {webhook_log_.begin(), webhook_log_.end()};
}

bool engine::wait_for_webhooks(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lk(mutex_);
  return webhook_cv_.wait_for(lk, timeout, [&] {
    auto settled = std::count_if(webhook_log_.begin(), webhook_log_.end(),
                                 [](const auto& w) { return w.status != webhook_status::pending; });
    return static_cast<std::size_t>(settled) >= count;
  });
}

}  // namespace paystack::sim::detail
