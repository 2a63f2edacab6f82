#!/usr/bin/env bash
# Installs every Debian 12 package the project needs to build, test, fuzz and benchmark.
# Idempotent; safe to run again. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev openssl ca-certificates
  # The fleet tests (doc/fleet.md): libpq to build against, a throwaway PostgreSQL 15 and nginx
  # that scripts/pg-test-server.sh and scripts/nginx-test-lb.sh start on loopback (never the
  # services these packages may start themselves).
  libpq-dev postgresql-15 nginx
  libcli11-dev
  libsqlite3-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang clang-format clang-tidy libclang-rt-14-dev
  curl
  python3 python3-yaml python3-jsonschema
  # Packaging and the API reference (scripts/check-package.sh, the docs target): lintian checks
  # the .debs, debootstrap makes the clean Debian 12 root, man-db reads the man pages.
  doxygen lintian debootstrap man-db
  # The ABI check of libpaystack.so.0 against abi/libpaystack.so.0.abi.xz (scripts/check-abi.sh,
  # ctest package.abi_matches_baseline): abidw and abidiff.
  abigail-tools
  # The live page's real-browser test (ctest browser.sim_ui, tests/browser/): headless chromium
  # driven by playwright-core, which `npm ci` installs from tests/browser/package-lock.json.
  chromium nodejs
  # The metrics tests (ctest metrics.prometheus, tests/metrics/): a real Prometheus 2.42 that
  # scripts/prometheus-local.sh starts on loopback (not the service the package may start), and
  # promtool. (Debian 12 has no opentelemetry-cpp: the OpenTelemetry adapter is not built.)
  prometheus
)
# npm: Debian's package, unless the installed Node.js brings its own (NodeSource's nodejs does,
# and conflicts with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi
# Only for the full measurements (benchmarks/measure.sh, doc/performance.md), not for CI.
# (nginx is in the list above for the fleet tests; its package may start a server on port 80,
# which no test uses.)
if [ "${1:-}" = "--bench" ]; then
  packages+=(wrk valgrind time linux-perf)
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
