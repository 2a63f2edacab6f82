// How the walks of transactions and refunds move to the next page (walk.hpp does the walking):
// by cursor (meta.next; a cursor seen twice is a loop) or by page number (up to meta.pageCount,
// or total / perPage rounded up when the reply has no pageCount; an empty page ends the walk; a
// page number that goes back is a loop).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "walk.hpp"

namespace paystack::detail {

/// Moves `p` to the page after `page` by page number.
template <class Params, class Item>
walk_step advance_page(Params& p, const response<std::vector<Item>>& page, std::string& detail) {
  if (page.data->empty()) return walk_step::end;
  const std::int64_t asked = p.page.value_or(1);
  const std::int64_t got = page.meta.page.value_or(asked);
  std::optional<std::int64_t> pages = page.meta.page_count;
  const auto& m = page.meta;
  if (!pages && m.total && m.per_page && *m.per_page > 0)
    pages = (*m.total + *m.per_page - 1) / *m.per_page;
  if (!pages || got >= *pages) return walk_step::end;
  if (got < asked) {
    detail = "the server sent page " + std::to_string(got) + " when asked for page " +
             std::to_string(asked) + "; stopping the walk";
    return walk_step::loop;
  }
  p.page = got + 1;
  return walk_step::next;
}

/// Moves `p` to the page after `page` by cursor, remembering the cursors followed.
class cursor_advance {
 public:
  template <class Params, class Item>
  walk_step operator()(Params& p, response<std::vector<Item>>& page, std::string& detail) {
    if (!page.meta.next) return walk_step::end;
    if (!seen_->insert(std::hash<std::string>{}(*page.meta.next)).second) {
      detail = "the server repeated a list cursor; stopping the walk";
      return walk_step::loop;
    }
    p.next = std::move(page.meta.next);
    p.previous.reset();
    return walk_step::next;
  }

 private:
  std::shared_ptr<std::unordered_set<std::size_t>> seen_ =
      std::make_shared<std::unordered_set<std::size_t>>();
};

}  // namespace paystack::detail
