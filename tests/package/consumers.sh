#!/usr/bin/env bash
# The installed packages, used as a user would: run where libpaystack-dev, paystack-sim and
# paystack-terminal are installed (the CI machine, or the clean Debian 12 root of
# scripts/check-package.sh). Builds two consumers against the installed library, one with
# find_package(paystack) (tests/install) and one with pkg-config alone, runs both against the
# installed paystack-sim, then `paystack-terminal demo` and `man paystack-terminal`.
#   consumers.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src="$1"
work="$2"
rm -rf "$work"
mkdir -p "$work"

echo "-- versions"
paystack-terminal --version
paystack-sim --version
pkg-config --modversion paystack

echo "-- find_package(paystack) consumer (tests/install, CMake's default generator)"
cmake -S "$src/tests/install" -B "$work/cmake-consumer" >/dev/null
cmake --build "$work/cmake-consumer" -j2 >/dev/null
echo "built $work/cmake-consumer/list_terminals"

echo "-- pkg-config consumer (no CMake): examples/charge_on_terminal.cpp"
echo "g++ -std=c++20 charge_on_terminal.cpp $(pkg-config --cflags --libs paystack)"
# shellcheck disable=SC2046
g++ -std=c++20 -O1 -o "$work/charge_on_terminal" "$src/examples/charge_on_terminal.cpp" \
  $(pkg-config --cflags --libs paystack)
echo "built $work/charge_on_terminal"

echo "-- the installed paystack-sim on an ephemeral loopback port"
key=sk_test_package_check
exec 3< <(exec paystack-sim --port 0 --secret-key "$key" --delivery-delay 100 --auto-pay-delay 300)
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
read -r -t 20 banner <&3 || { echo "paystack-sim did not start" >&2; exit 1; }
echo "$banner"
export PAYSTACK_BASE_URL="${banner##* }" PAYSTACK_SECRET_KEY="$key"
case "$PAYSTACK_BASE_URL" in http://127.0.0.1:*) ;; *) echo "unexpected banner" >&2; exit 1 ;; esac

echo "-- find_package consumer against it"
out=$("$work/cmake-consumer/list_terminals")
echo "$out"
grep -q "Demo Terminal 1" <<<"$out"

echo "-- pkg-config consumer against it"
out=$("$work/charge_on_terminal")
echo "$out"
grep -q "paid" <<<"$out"

kill "$sim_pid"
trap - EXIT
unset PAYSTACK_BASE_URL PAYSTACK_SECRET_KEY

echo "-- paystack-terminal demo"
out=$(paystack-terminal demo)
echo "$out"
grep -q "paid" <<<"$out"

echo "-- man paystack-terminal"
export MANPAGER=cat MANWIDTH=100
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
echo "consumers: all passed"
