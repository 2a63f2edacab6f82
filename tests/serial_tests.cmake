# Included by ctest (TEST_INCLUDE_FILES, tests/CMakeLists.txt) after the tests gtest_discover_tests
# found in a folder (add_test's tests come later: fleet.chaos says RUN_SERIAL itself). The test
# presets run tests in parallel (CMakePresets.json); the tests named here run alone (RUN_SERIAL):
# they bound a time (a deadline met, a timeout that closes, backoff that takes no real time),
# which other tests on the same 2 cores would stretch. A name not in the folder sets nothing.
set(paystack_serial_tests
  ChargeJournal.with_sqlite_and_webhooks_a_paid_charge_takes_five_calls_and_ends_quickly
  Charge.event_never_delivered_ends_at_the_deadline
  Control.start_stop_lifecycle
  Robustness.idle_connections_are_closed
  Robustness.slow_bodies_time_out
  TimedRetries.backoff_doubles_and_takes_no_real_time
  PgRateBudget.a_refused_call_learns_the_refill_time
  PgConnection.a_query_past_its_timeout_ends_timed_out_and_closes
  PgStoreRetry.a_server_gone_for_good_fails_within_the_timeout
  PgFleet.a_charge_in_one_instance_is_decided_by_a_webhook_another_received)
foreach(t IN LISTS paystack_serial_tests)
  set_tests_properties("${t}" PROPERTIES RUN_SERIAL ON)
endforeach()

# The longest test (about a minute in the dev build, several under the sanitizers) starts first,
# so that the others run beside it instead of after it (ctest orders by COST before it has timed
# a run of its own, as on a fresh CI machine).
set_tests_properties(ChargeSoak.charges_killed_at_random_then_resumed_and_reconciled_end_exactly_once
                     PROPERTIES COST 1000)
