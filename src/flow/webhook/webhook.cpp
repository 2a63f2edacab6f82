// Webhooks: signature (OpenSSL HMAC-SHA512, constant-time compare), the in-memory
// de-duplication store and the in-process feed. Reading an event's JSON is in
// src/json/webhook_json.cpp.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <deque>
#include <mutex>
#include <optional>
#include <paystack/error.hpp>
#include <paystack/webhook.hpp>
#include <span>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

constexpr std::size_t sha512_size = 64;

bool hmac_sha512(std::string_view key, std::string_view body,
                 std::array<unsigned char, sha512_size>& out) noexcept {
  unsigned int len = 0;
  // HMAC() with a null key pointer and length 0 is an error in OpenSSL 3: give it a valid one.
  static const unsigned char empty = 0;
  const void* k = key.empty() ? static_cast<const void*>(&empty) : key.data();
  auto* r =
      HMAC(EVP_sha512(), k, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), out.data(), &len);
  return r != nullptr && len == sha512_size;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string to_hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(n * 2, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    s[2 * i] = digits[p[i] >> 4];
    s[2 * i + 1] = digits[p[i] & 0xf];
  }
  return s;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string sha256_hex(std::string_view s) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(s.data(), s.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return to_hex(md.data(), len);
}

// ---- in-memory de-duplication ----------------------------------------------------------------

class memory_dedup_store final : public webhook_dedup_store {
 public:
  memory_dedup_store(std::size_t capacity, std::chrono::seconds ttl)
      : capacity_(std::max<std::size_t>(capacity, 1)), ttl_(ttl) {}

  bool insert_if_absent(std::string_view key) override {
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lk(mutex_);
    while (!order_.empty() && (order_.size() > capacity_ || now - order_.front().second >= ttl_)) {
      expire_front();
    }
    std::string k(key);
    if (auto it = seen_.find(k); it != seen_.end()) {
      if (now - it->second < ttl_) return false;
    }
    seen_[k] = now;
    order_.emplace_back(std::move(k), now);
    while (order_.size() > capacity_) expire_front();
    return true;
  }

 private:
  void expire_front() {
    auto& [k, t] = order_.front();
    if (auto it = seen_.find(k); it != seen_.end() && it->second == t) seen_.erase(it);
    order_.pop_front();
  }

  std::mutex mutex_;
  std::size_t capacity_;
  std::chrono::seconds ttl_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> seen_;
  std::deque<std::pair<std::string, std::chrono::steady_clock::time_point>> order_;
};

}  // namespace
}  // namespace detail

bool verify_webhook_signature(std::string_view raw_body, std::string_view signature_header,
                              std::string_view secret_key) noexcept {
  auto sig = detail::trim(signature_header);
  if (secret_key.empty() || sig.size() != 2 * detail::sha512_size) return false;
  std::array<unsigned char, detail::sha512_size> given{};
  bool well_formed = true;
  for (std::size_t i = 0; i < detail::sha512_size; ++i) {
    int hi = detail::hex_value(sig[2 * i]);
    int lo = detail::hex_value(sig[2 * i + 1]);
    well_formed &= (hi >= 0) & (lo >= 0);
    given[i] = static_cast<unsigned char>(((hi & 0xf) << 4) | (lo & 0xf));
  }
  std::array<unsigned char, detail::sha512_size> expected{};
  if (!detail::hmac_sha512(secret_key, raw_body, expected)) return false;
  bool same = CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
  OPENSSL_cleanse(expected.data(), expected.size());
  return same && well_formed;
}

std::string sign_webhook_payload(std::string_view raw_body, std::string_view secret_key) {
  std::array<unsigned char, detail::sha512_size> mac{};
  if (!detail::hmac_sha512(secret_key, raw_body, mac))
    throw std::runtime_error("HMAC-SHA512 failed");
  return detail::to_hex(mac.data(), mac.size());
}

std::string webhook_dedup_key(const webhook_event& e) {
  const std::string scope = e.merchant.empty() ? std::string() : e.merchant + "/";
  return scope + e.event + ":" + detail::sha256_hex(e.raw_body);
}

bool valid_merchant_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

std::optional<std::size_t> match_webhook_signature(std::string_view raw_body,
                                                   std::string_view signature_header,
                                                   std::span<const merchant_key> keys) noexcept {
  // Every key is tried and compared in constant time; the index is chosen with masks, never a
  // branch on a comparison, so the time depends on keys.size() only (ADR 0009).
  auto sig = detail::trim(signature_header);
  std::array<unsigned char, detail::sha512_size> given{};
  std::size_t well_formed = sig.size() == 2 * detail::sha512_size ? 1 : 0;
  for (std::size_t i = 0; i < detail::sha512_size; ++i) {
    const bool in_range = 2 * i + 1 < sig.size();
    int hi = in_range ? detail::hex_value(sig[2 * i]) : -1;
    int lo = in_range ? detail::hex_value(sig[2 * i + 1]) : -1;
    well_formed &= static_cast<std::size_t>((hi >= 0) & (lo >= 0));
    given[i] = static_cast<unsigned char>(((hi & 0xf) << 4) | (lo & 0xf));
  }
  std::size_t found = 0, matched = 0, failed = 0;
  std::array<unsigned char, detail::sha512_size> expected{};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const bool hmac_ok = detail::hmac_sha512(keys[i].secret_key, raw_body, expected);
    const int diff = CRYPTO_memcmp(given.data(), expected.data(), expected.size());
    failed |= static_cast<std::size_t>(!hmac_ok);
    const std::size_t hit = static_cast<std::size_t>(diff == 0) &
                            static_cast<std::size_t>(!keys[i].secret_key.empty()) & well_formed;
    const std::size_t take = hit & (matched ^ 1);
    const std::size_t mask = std::size_t{0} - take;
    found = (found & ~mask) | (i & mask);
    matched |= hit;
  }
  OPENSSL_cleanse(expected.data(), expected.size());
  if ((matched & (failed ^ 1)) == 0) return std::nullopt;
  return found;
}

std::shared_ptr<webhook_dedup_store> make_memory_dedup_store(std::size_t capacity,
                                                             std::chrono::seconds ttl) {
  return std::make_shared<detail::memory_dedup_store>(capacity, ttl);
}

// ---- feed --------------------------------------------------------------------------------------

struct webhook_feed::state {
  mutable std::mutex mutex;
  std::uint64_t next_id = 1;
  std::vector<std::pair<std::uint64_t, std::shared_ptr<const handler>>> subscribers;
};

struct webhook_feed::subscription::token {
  std::weak_ptr<webhook_feed::state> feed;
  std::uint64_t id = 0;
};

void webhook_feed::subscription::reset() noexcept {
  auto t = std::move(token_);
  if (!t) return;
  if (auto s = t->feed.lock()) {
    std::lock_guard lk(s->mutex);
    std::erase_if(s->subscribers, [&](const auto& p) { return p.first == t->id; });
  }
}

webhook_feed::webhook_feed() : state_(std::make_shared<state>()) {}
webhook_feed::~webhook_feed() = default;

webhook_feed::subscription webhook_feed::subscribe(handler h) {
  subscription sub;
  sub.token_ = std::make_shared<subscription::token>();
  sub.token_->feed = state_;
  std::lock_guard lk(state_->mutex);
  sub.token_->id = state_->next_id++;
  state_->subscribers.emplace_back(sub.token_->id, std::make_shared<const handler>(std::move(h)));
  return sub;
}

void webhook_feed::publish(const webhook_event& e) {
  std::vector<std::shared_ptr<const handler>> copy;
  {
    std::lock_guard lk(state_->mutex);
    copy.reserve(state_->subscribers.size());
    for (const auto& [id, h] : state_->subscribers) copy.push_back(h);
  }
  for (const auto& h : copy)
    if (*h) (*h)(e);
}

std::size_t webhook_feed::subscriber_count() const {
  std::lock_guard lk(state_->mutex);
  return state_->subscribers.size();
}

}  // namespace v0
}  // namespace paystack
