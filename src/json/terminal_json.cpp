// The Terminal models' members, in the order their errors are reported.
#include "json/models.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

void list_terminal(terminal& t, field_list& f) {
  f.assign({{"id", &t.id},
            {"serial_number", &t.serial_number},
            {"device_make", &t.device_make},
            {"terminal_id", &t.terminal_id},
            {"integration", &t.integration},
            {"domain", &t.domain},
            {"name", &t.name},
            {"address", &t.address},
            {"status", &t.status},
            {"split_code", &t.split_code}});
}

/// A binding for one model object of type T, whose members `list` gives.
template <class T, void (*list)(T&, field_list&)>
data_binding object_binding(T& out) {
  return {data_binding::shape::object, &out,
          [](void* m, field_list& f) { list(*static_cast<T*>(m), f); },
          [](void* m) { *static_cast<T*>(m) = T{}; }};
}

void list_status(terminal_status& s, field_list& f) {
  f.assign({{"online", &s.online}, {"available", &s.available}});
}
void list_event_status(event_status& s, field_list& f) {
  f.assign({{"delivered", &s.delivered}});
}
void list_ack(event_ack& a, field_list& f) {
  f.assign({{"id", id_text{&a.id}}});
}

}  // namespace

data_binding bind_data(empty&) {
  return {};
}

data_binding bind_data(terminal& out) {
  return object_binding<terminal, list_terminal>(out);
}

data_binding bind_data(std::vector<terminal>& out) {
  return {data_binding::shape::array_of_objects, &out,
          [](void* m, field_list& f) {
            list_terminal(static_cast<std::vector<terminal>*>(m)->emplace_back(), f);
          },
          [](void* m) { static_cast<std::vector<terminal>*>(m)->clear(); }};
}

data_binding bind_data(terminal_status& out) {
  return object_binding<terminal_status, list_status>(out);
}

data_binding bind_data(event_status& out) {
  return object_binding<event_status, list_event_status>(out);
}

data_binding bind_data(event_ack& out) {
  return object_binding<event_ack, list_ack>(out);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
