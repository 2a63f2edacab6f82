#!/usr/bin/env bash
# The installed packages, used as a user would (scripts/check-package.sh: on this machine, or in a
# clean Debian 12 root). Stages:
#   core    libpaystack0, libpaystack-dev, paystack-sim and paystack-terminal installed: a
#           find_package consumer (tests/install), a pkg-config consumer with Asio header-only
#           (examples/charge_on_terminal.cpp) and one with its own separately compiled Asio
#           (tests/package/consumers/own_asio), each linked to libpaystack.so.0 (ldd) and run
#           against the installed paystack-sim; `paystack-terminal demo`; the man pages. With
#           --no-store-dev it first proves libsqlite3-dev and libpq-dev are not installed.
#   stores  libpaystack-sqlite-dev and libpaystack-postgresql-dev installed too: a consumer of
#           find_package(paystack COMPONENTS sqlite postgresql) and one of pkg-config
#           paystack-sqlite, each opening a SQLite store.
#   consumers.sh SOURCE_DIR WORK_DIR core|stores|all [--no-store-dev]
set -euo pipefail
src="$1"
work="$2"
stage="$3"
no_store_dev="${4:-}"
mkdir -p "$work"
# shellcheck source=tests/package/sim_env.sh
source "$(dirname "$0")/sim_env.sh"

links_shared() {  # the program uses the shared library, from the system's library folder
  local deps
  deps=$(ldd "$1")
  grep -E 'libpaystack\.so\.0 => (/usr)?/lib/' <<<"$deps" || { echo "$1 does not link libpaystack.so.0: $deps" >&2; exit 1; }
}

core() {
  rm -rf "$work/core"
  mkdir -p "$work/core"
  echo "-- versions"
  paystack-terminal --version
  paystack-sim --version
  pkg-config --modversion paystack
  if [ "$no_store_dev" = --no-store-dev ]; then
    echo "-- libsqlite3-dev and libpq-dev are not installed (the core needs neither)"
    for pkg in libsqlite3-dev libpq-dev libpaystack-sqlite-dev libpaystack-postgresql-dev; do
      if dpkg -s "$pkg" >/dev/null 2>&1; then echo "$pkg is installed" >&2; exit 1; fi
    done
    echo "none of libsqlite3-dev, libpq-dev, libpaystack-sqlite-dev, libpaystack-postgresql-dev"
  fi
  echo "-- pkg-config gives no Asio mode: $(pkg-config --cflags --libs paystack)"
  if pkg-config --cflags --libs paystack | grep -q SEPARATE_COMPILATION; then
    echo "paystack.pc sets Asio's mode" >&2
    exit 1
  fi

  echo "-- find_package(paystack) consumer (tests/install, CMake's default generator)"
  cmake -S "$src/tests/install" -B "$work/core/cmake-consumer" >/dev/null
  cmake --build "$work/core/cmake-consumer" -j2 >/dev/null
  links_shared "$work/core/cmake-consumer/list_terminals"

  echo "-- pkg-config consumer, Asio header-only: examples/charge_on_terminal.cpp"
  # shellcheck disable=SC2046
  g++ -std=c++20 -O1 -o "$work/core/charge_on_terminal" "$src/examples/charge_on_terminal.cpp" \
    $(pkg-config --cflags --libs paystack)
  links_shared "$work/core/charge_on_terminal"

  echo "-- pkg-config consumer with its own compiled Asio (boost/asio/impl/src.hpp)"
  # shellcheck disable=SC2046
  g++ -std=c++20 -O1 -DBOOST_ASIO_SEPARATE_COMPILATION -o "$work/core/own_asio" \
    "$src/tests/package/consumers/own_asio/main.cpp" "$src/tests/package/consumers/own_asio/asio_impl.cpp" \
    $(pkg-config --cflags --libs paystack)
  links_shared "$work/core/own_asio"

  echo "-- the installed paystack-sim on an ephemeral loopback port"
  start_sim paystack-sim
  for program in cmake-consumer/list_terminals own_asio; do
    echo "-- $program against it"
    out=$("$work/core/$program")
    echo "$out"
    grep -q "Demo Terminal 1" <<<"$out"
  done
  echo "-- charge_on_terminal against it"
  out=$("$work/core/charge_on_terminal")
  echo "$out"
  grep -q "paid" <<<"$out"
  stop_sim

  echo "-- paystack-terminal demo"
  out=$(paystack-terminal demo)
  echo "$out"
  grep -q "paid" <<<"$out"
  man_pages
}

man_pages() {
  echo "-- man paystack-terminal"
  export MANPAGER=cat MANWIDTH=100
  local out sim_page
  if [ -e /usr/share/man/man1/paystack-terminal.1.gz ]; then
    out=$(man paystack-terminal 2>&1)
    sim_page=$(man paystack-sim 2>&1)
  else
    # A Debian container image's dpkg skips /usr/share/man (path-exclude): read the pages from
    # the packages given in PAYSTACK_DEBS instead.
    echo "(dpkg did not install the man pages here: reading them from the .debs)"
    dpkg-deb -x "$(ls "${PAYSTACK_DEBS:?}"/paystack-terminal_*.deb)" "$work/deb"
    dpkg-deb -x "$(ls "${PAYSTACK_DEBS:?}"/paystack-sim_*.deb)" "$work/deb"
    out=$(man -l "$work/deb/usr/share/man/man1/paystack-terminal.1.gz" 2>&1)
    sim_page=$(man -l "$work/deb/usr/share/man/man1/paystack-sim.1.gz" 2>&1)
  fi
  head -n 20 <<<"$out"
  grep -q "EXIT STATUS" <<<"$out"
  grep -q -- "--delivery-delay" <<<"$sim_page"
  echo "(man paystack-sim: $(wc -l <<<"$sim_page") lines)"
}

stores() {
  rm -rf "$work/stores"
  mkdir -p "$work/stores"
  echo "-- find_package(paystack COMPONENTS sqlite postgresql) consumer (tests/package/consumers/stores)"
  cmake -S "$src/tests/package/consumers/stores" -B "$work/stores/cmake-consumer" >/dev/null
  cmake --build "$work/stores/cmake-consumer" -j2 >/dev/null
  links_shared "$work/stores/cmake-consumer/open_stores"
  out=$("$work/stores/cmake-consumer/open_stores" "$work/stores/a.db")
  echo "$out"
  grep -q "stores: ok (sqlite:" <<<"$out"

  echo "-- pkg-config paystack-sqlite consumer: $(pkg-config --libs paystack-sqlite)"
  # shellcheck disable=SC2046
  g++ -std=c++20 -O1 -o "$work/stores/sqlite_store" \
    "$src/tests/package/consumers/fetchcontent/sqlite_store.cpp" $(pkg-config --cflags --libs paystack-sqlite)
  out=$("$work/stores/sqlite_store" "$work/stores/b.db")
  echo "$out"
  grep -q "sqlite store: sqlite:" <<<"$out"
  echo "-- pkg-config paystack-postgresql: $(pkg-config --libs paystack-postgresql)"
}

case "$stage" in
  core) core ;;
  stores) stores ;;
  all) core && stores ;;
  *) echo "usage: $0 SOURCE_DIR WORK_DIR core|stores|all [--no-store-dev]" >&2; exit 2 ;;
esac
echo "consumers ($stage): all passed"
