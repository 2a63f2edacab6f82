// The PostgreSQL engine of paystack::charge_store (pg_store.cpp). Private to src/flow/.
#pragma once

#include <paystack/charge_store.hpp>
#include <string>
#include <string_view>

namespace paystack {
inline namespace v0 {
namespace detail {

/// Test only (builds with PAYSTACK_TEST_FAILPOINTS): the next `n` statements of `store` that the
/// server answered are taken as if the connection had dropped before the answer arrived (the
/// connection is closed): a commit whose reply was lost. False when `store` is not a PostgreSQL
/// store or the build has no test hooks.
bool pg_store_drop_replies(charge_store& store, int n);

/// Test only (builds with PAYSTACK_TEST_FAILPOINTS): the next `n` opens
/// (open_postgresql_charge_store) have their first connection ended by the server right after it
/// was made, before the migration's first statement (as a server restart or pg_terminate_backend
/// would). False without test hooks.
bool pg_open_cut_after_connect(int n);

/// `url` without a password and without parameters (pg::shown_url): what describe() and messages
/// show.
std::string redact_pg_url(std::string_view url);

/// A new store's name in the fleet's tables (leases, journal, inbox): "HOST:PID/N", N counting
/// the stores this process opened.
std::string pg_instance_name();

}  // namespace detail
}  // namespace v0
}  // namespace paystack
