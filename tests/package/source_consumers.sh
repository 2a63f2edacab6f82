#!/usr/bin/env bash
# The two ways to take paystack-cpp from source (issue 23, proof e): a project with
# add_subdirectory of the source tree and one with FetchContent from a local path
# (tests/package/consumers/), each built with the system's compiler and Asio header-only, then
# run against a paystack-sim on an ephemeral loopback port.
#   source_consumers.sh SOURCE_DIR WORK_DIR PAYSTACK_SIM
# With ccache, the second build of the same sources is mostly cache hits (CCACHE_BASEDIR; WORK_DIR
# under SOURCE_DIR).
set -euo pipefail
src="$(cd "$1" && pwd)"
work="$2"
sim="$3"
rm -rf "$work"
mkdir -p "$work"
export CCACHE_BASEDIR="$src" CCACHE_NOHASHDIR=1
# shellcheck source=tests/package/sim_env.sh
source "$(dirname "$0")/sim_env.sh"

for consumer in add_subdirectory fetchcontent; do
  echo "-- $consumer consumer: configure and build"
  cmake -S "$src/tests/package/consumers/$consumer" -B "$work/$consumer" -G Ninja \
    -DPAYSTACK_SOURCE_DIR="$src" >"$work/$consumer.log" 2>&1 || { cat "$work/$consumer.log"; exit 1; }
  nice -n "${PACKAGE_NICE:-0}" cmake --build "$work/$consumer" -j2 >>"$work/$consumer.log" 2>&1 ||
    { tail -n 40 "$work/$consumer.log"; exit 1; }
  # Asio's mode is the consumer's: nothing defines separate compilation for it.
  if grep -q "BOOST_ASIO_SEPARATE_COMPILATION" "$work/$consumer/build.ninja"; then
    echo "$consumer: the build defines BOOST_ASIO_SEPARATE_COMPILATION" >&2
    exit 1
  fi
done

echo "-- paystack-sim on an ephemeral loopback port"
start_sim "$sim"

echo "-- add_subdirectory consumer: list_terminals"
out=$("$work/add_subdirectory/list_terminals")
echo "$out"
grep -q "Demo Terminal 1" <<<"$out"

echo "-- FetchContent consumer: charge_on_terminal"
out=$("$work/fetchcontent/charge_on_terminal")
echo "$out"
grep -q "paid" <<<"$out"

echo "-- FetchContent consumer: the SQLite store alone (no libpq linked)"
out=$("$work/fetchcontent/sqlite_store" "$work/store.db")
echo "$out"
grep -q "sqlite store: sqlite:" <<<"$out"
if ldd "$work/fetchcontent/sqlite_store" | grep -q libpq; then
  echo "sqlite_store links libpq" >&2
  exit 1
fi
echo "source consumers: all passed"
