// Keyed refunds in a charge_store: the names of stages and outcomes, the defaults of the refund
// operations (stores without refunds) and the in-memory refund tables.
#include <algorithm>
#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>
#include <map>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>

#include "store/refund_engine.hpp"
#include "store/store_engine.hpp"

namespace paystack {
inline namespace v0 {

namespace {
constexpr std::string_view refund_stage_names[] = {"started", "sending", "finished"};
constexpr std::string_view refund_outcome_names[] = {"refunded", "refused", "busy", "failed"};

template <class Handler, class... Empty>
void not_supported(boost::asio::any_io_executor ex, Handler h, Empty... empty) {
  boost::asio::post(
      ex, boost::asio::append(std::move(h), boost::system::error_code(error::store_failed),
                              std::move(empty)...));
}
}  // namespace

std::string_view to_string(refund_journal_stage s) noexcept {
  const auto i = static_cast<std::size_t>(s);
  return i < std::size(refund_stage_names) ? refund_stage_names[i] : "unknown";
}

std::optional<refund_journal_stage> refund_stage_from_string(std::string_view text) noexcept {
  for (std::size_t i = 0; i < std::size(refund_stage_names); ++i)
    if (refund_stage_names[i] == text) return static_cast<refund_journal_stage>(i);
  return std::nullopt;
}

std::string_view to_string(refund_outcome o) noexcept {
  const auto i = static_cast<std::size_t>(o);
  return i < std::size(refund_outcome_names) ? refund_outcome_names[i] : "unknown";
}

std::optional<refund_outcome> refund_outcome_from_string(std::string_view text) noexcept {
  for (std::size_t i = 0; i < std::size(refund_outcome_names); ++i)
    if (refund_outcome_names[i] == text) return static_cast<refund_outcome>(i);
  return std::nullopt;
}

void charge_store::do_begin_refund(refund_record r,
                                   boost::asio::any_completion_handler<refund_begin_signature> h) {
  not_supported(get_executor(), std::move(h), std::move(r), false);
}

void charge_store::do_save_refund(refund_record r, std::string,
                                  boost::asio::any_completion_handler<refund_save_signature> h) {
  not_supported(get_executor(), std::move(h), std::move(r));
}

void charge_store::do_load_refund(std::string,
                                  boost::asio::any_completion_handler<refund_load_signature> h) {
  not_supported(get_executor(), std::move(h), std::optional<refund_record>{});
}

void charge_store::do_list_refunds(refund_list_filter,
                                   boost::asio::any_completion_handler<refund_list_signature> h) {
  not_supported(get_executor(), std::move(h), std::vector<refund_record>{});
}

void charge_store::do_refund_history(
    std::string, boost::asio::any_completion_handler<refund_history_signature> h) {
  not_supported(get_executor(), std::move(h), std::vector<refund_journal_entry>{});
}

namespace detail {
namespace {

using boost::system::error_code;

class memory_refund_engine final : public refund_engine {
 public:
  error_code begin(refund_record& rec, bool& inserted) override {
    auto [it, fresh] = records_.try_emplace(rec.key, rec);
    inserted = fresh;
    if (fresh) append(rec.key, it->second.stage, "started");
    rec = it->second;
    return {};
  }
  error_code save(refund_record& rec, const std::string& detail) override {
    auto it = records_.find(rec.key);
    if (it == records_.end() || it->second.version != rec.version) return error::store_conflict;
    rec.version += 1;
    rec.updated_at_ms = unix_ms();
    it->second = rec;
    append(rec.key, rec.stage, detail);
    return {};
  }
  error_code load(const std::string& key, std::optional<refund_record>& out) override {
    auto it = records_.find(key);
    if (it != records_.end()) out = it->second;
    return {};
  }
  error_code list(const refund_list_filter& f, std::vector<refund_record>& out) override {
    for (auto& [k, r] : records_)
      if (!f.unfinished_only || r.stage != refund_journal_stage::finished) out.push_back(r);
    auto order = [](const refund_record& r) { return std::pair(r.created_at_ms, r.key); };
    std::sort(out.begin(), out.end(),
              [&](const refund_record& a, const refund_record& b) { return order(a) < order(b); });
    if (!f.after.empty()) {
      auto from = records_.find(f.after);
      std::erase_if(out, [&](const refund_record& r) {
        return from == records_.end() || order(r) <= order(from->second);
      });
    }
    out.resize(std::min({out.size(), f.limit, max_charge_list}));
    return {};
  }
  error_code history(const std::string& key, std::vector<refund_journal_entry>& out) override {
    for (auto& [k, e] : journal_)
      if (k == key) out.push_back(e);
    return {};
  }

 private:
  void append(const std::string& key, refund_journal_stage s, const std::string& detail) {
    journal_.emplace_back(key, refund_journal_entry{++sequence_, s, unix_ms(), detail});
  }
  std::map<std::string, refund_record> records_;
  std::vector<std::pair<std::string, refund_journal_entry>> journal_;
  std::uint64_t sequence_ = 0;
};

}  // namespace

std::unique_ptr<refund_engine> make_memory_refund_engine() {
  return std::make_unique<memory_refund_engine>();
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
