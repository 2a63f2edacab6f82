#pragma once
// The live page's HTML (simulator/src/ui/page.html), embedded by CMake into ui_page.cpp.

#include <string_view>

namespace paystack::sim::detail {

/// The whole document served at GET /_sim/ui: one inline <style>, one inline <script>.
extern const std::string_view ui_page_html;

}  // namespace paystack::sim::detail
