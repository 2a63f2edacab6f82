// The metrics registry (paystack/metrics.hpp): families of series, and their exposition in the
// Prometheus text format 0.0.4 (exposition.hpp writes the lines).
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <paystack/metrics.hpp>
#include <stdexcept>
#include <variant>

#include "metrics/clear_generation.hpp"
#include "metrics/exposition.hpp"

namespace paystack {
inline namespace v0 {
namespace metrics {

histogram::histogram(const std::vector<double>* bounds)
    : bounds_(bounds), counts_(new std::atomic<std::uint64_t>[bounds->size() + 1]) {
  for (std::size_t i = 0; i <= bounds_->size(); ++i) counts_[i].store(0);
}

void histogram::observe(double v) noexcept {
  const auto& b = *bounds_;
  // Few buckets: a linear scan beats a binary search's branches.
  std::size_t i = 0;
  while (i < b.size() && v > b[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<std::uint64_t> histogram::bucket_counts() const {
  std::vector<std::uint64_t> out(bounds_->size() + 1);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = counts_[i].load(std::memory_order_relaxed);
  return out;
}

std::uint64_t histogram::count() const noexcept {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i <= bounds_->size(); ++i)
    n += counts_[i].load(std::memory_order_relaxed);
  return n;
}

namespace detail {

std::atomic<std::uint64_t> clear_generation{1};

/// Orders label-value lists; finds them by a list of views without building strings.
struct values_less {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

struct family_data {
  std::string name;
  std::string help;
  metric_type type = metric_type::counter;
  std::vector<std::string> labels;
  std::vector<double> buckets;   ///< histograms
  std::function<double()> read;  ///< callback series
  mutable std::mutex mutex;
  using series =
      std::variant<std::unique_ptr<counter>, std::unique_ptr<gauge>, std::unique_ptr<histogram>>;
  std::map<std::vector<std::string>, series, values_less> by_values;
  // The typed view handed out (family<M> holds a pointer back here).
  std::variant<std::monostate, family<counter>, family<gauge>, family<histogram>> view;
};

namespace {

template <class M>
std::unique_ptr<M> make_series(const family_data& d) {
  if constexpr (std::is_same_v<M, histogram>)
    return std::make_unique<histogram>(&d.buckets);
  else
    return std::make_unique<M>();
}

}  // namespace
}  // namespace detail

template <class Metric>
Metric& family<Metric>::with(std::initializer_list<std::string_view> label_values) {
  auto& d = *d_;
  if (label_values.size() != d.labels.size())
    throw std::invalid_argument("metric " + d.name + ": " + std::to_string(d.labels.size()) +
                                " label values expected");
  std::lock_guard lock(d.mutex);
  auto it = d.by_values.find(label_values);
  if (it == d.by_values.end()) {
    std::vector<std::string> key(label_values.begin(), label_values.end());
    it = d.by_values.emplace(std::move(key), detail::make_series<Metric>(d)).first;
  }
  return *std::get<std::unique_ptr<Metric>>(it->second);
}

template <class Metric>
void family<Metric>::clear() {
  std::lock_guard lock(d_->mutex);
  detail::clear_generation.fetch_add(1, std::memory_order_release);
  d_->by_values.clear();
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

struct registry::impl {
  mutable std::mutex mutex;
  std::map<std::string, std::unique_ptr<detail::family_data>, std::less<>> families;

  detail::family_data& add(std::string_view name, std::string_view help, metric_type type,
                           std::vector<std::string> labels, std::vector<double> buckets) {
    check_names(name, labels, type);
    std::lock_guard lock(mutex);
    if (auto it = families.find(name); it != families.end()) {
      auto& d = *it->second;
      if (d.type != type || d.labels != labels || d.buckets != buckets || d.read)
        throw std::invalid_argument("metric " + std::string(name) +
                                    " is already registered differently");
      return d;
    }
    auto d = std::make_unique<detail::family_data>();
    d->name = std::string(name);
    d->help = std::string(help);
    d->type = type;
    d->labels = std::move(labels);
    d->buckets = std::move(buckets);
    auto& ref = *d;
    families.emplace(std::string(name), std::move(d));
    return ref;
  }

  static void check_names(std::string_view name, const std::vector<std::string>& labels,
                          metric_type type) {
    if (!exposition::valid_metric_name(name))
      throw std::invalid_argument("not a metric name: " + std::string(name));
    for (const auto& l : labels) {
      if (!exposition::valid_label_name(l) || (type == metric_type::histogram && l == "le"))
        throw std::invalid_argument("metric " + std::string(name) + ": not a label name: " + l);
    }
    auto sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      throw std::invalid_argument("metric " + std::string(name) + ": a label is named twice");
  }
};

registry::registry() : impl_(std::make_unique<impl>()) {}
registry::~registry() = default;

family<counter>& registry::add_counter(std::string_view name, std::string_view help,
                                       std::vector<std::string> labels) {
  auto& d = impl_->add(name, help, metric_type::counter, std::move(labels), {});
  std::lock_guard lock(impl_->mutex);
  if (d.view.index() == 0) d.view.emplace<family<counter>>(family<counter>(&d));
  return std::get<family<counter>>(d.view);
}

family<gauge>& registry::add_gauge(std::string_view name, std::string_view help,
                                   std::vector<std::string> labels) {
  auto& d = impl_->add(name, help, metric_type::gauge, std::move(labels), {});
  std::lock_guard lock(impl_->mutex);
  if (d.view.index() == 0) d.view.emplace<family<gauge>>(family<gauge>(&d));
  return std::get<family<gauge>>(d.view);
}

family<histogram>& registry::add_histogram(std::string_view name, std::string_view help,
                                           std::vector<std::string> labels,
                                           std::vector<double> buckets) {
  if (buckets.empty() || !std::is_sorted(buckets.begin(), buckets.end()) ||
      std::adjacent_find(buckets.begin(), buckets.end()) != buckets.end() ||
      !std::all_of(buckets.begin(), buckets.end(), [](double b) { return std::isfinite(b); }))
    throw std::invalid_argument("metric " + std::string(name) +
                                ": buckets must be finite, ascending and at least one");
  auto& d = impl_->add(name, help, metric_type::histogram, std::move(labels), std::move(buckets));
  std::lock_guard lock(impl_->mutex);
  if (d.view.index() == 0) d.view.emplace<family<histogram>>(family<histogram>(&d));
  return std::get<family<histogram>>(d.view);
}

void registry::add_callback(std::string_view name, std::string_view help, metric_type type,
                            std::function<double()> read) {
  if (type == metric_type::histogram || !read)
    throw std::invalid_argument("metric " + std::string(name) +
                                ": a callback is a counter or a gauge with a function");
  impl::check_names(name, {}, type);
  std::lock_guard lock(impl_->mutex);
  if (impl_->families.contains(name))
    throw std::invalid_argument("metric " + std::string(name) + " is already registered");
  auto d = std::make_unique<detail::family_data>();
  d->name = std::string(name);
  d->help = std::string(help);
  d->type = type;
  d->read = std::move(read);
  impl_->families.emplace(std::string(name), std::move(d));
}

namespace {

void write_family(std::string& out, const detail::family_data& d) {
  using namespace exposition;
  write_header(out, d.name, d.help, d.type);
  if (d.read) {
    write_sample(out, d.name, {}, {}, {}, d.read());
    return;
  }
  std::lock_guard lock(d.mutex);
  for (const auto& [values, s] : d.by_values) {
    if (const auto* c = std::get_if<std::unique_ptr<counter>>(&s)) {
      write_sample(out, d.name, d.labels, values, {}, (*c)->value());
    } else if (const auto* g = std::get_if<std::unique_ptr<gauge>>(&s)) {
      write_sample(out, d.name, d.labels, values, {}, (*g)->value());
    } else {
      write_histogram(out, d.name, d.labels, values, *std::get<std::unique_ptr<histogram>>(s));
    }
  }
}

}  // namespace

std::string registry::expose() const {
  std::vector<const detail::family_data*> all;
  {
    std::lock_guard lock(impl_->mutex);
    for (const auto& [name, d] : impl_->families) all.push_back(d.get());
  }
  std::string out;
  out.reserve(256 * all.size());
  for (const auto* d : all) write_family(out, *d);
  return out;
}

std::string scrape() {
  return default_registry().expose();
}

}  // namespace metrics
}  // namespace v0
}  // namespace paystack
