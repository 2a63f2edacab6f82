#!/usr/bin/env bash
# ctest browser.sim_ui: the simulator's live page in Debian's chromium (sim_ui_test.mjs).
# Usage: run.sh PAYSTACK_TERMINAL OUT_DIR
# Skipped (exit 77) only when chromium is not installed (scripts/install-deps.sh installs it).
# Installs the pinned playwright-core (package-lock.json) into OUT_DIR with `npm ci` when the
# lock changed; every step is bounded in time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exe=${1:?usage: run.sh PAYSTACK_TERMINAL OUT_DIR}
out=${2:?usage: run.sh PAYSTACK_TERMINAL OUT_DIR}
chromium=${PAYSTACK_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "browser test skipped: no chromium at $chromium (scripts/install-deps.sh installs it)"
  exit 77
fi
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "browser test: $tool is missing (scripts/install-deps.sh)"; exit 1; }
done
mkdir -p "$out"
if ! cmp -s "$here/package-lock.json" "$out/package-lock.json" ||
   [ ! -f "$out/node_modules/playwright-core/package.json" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$out/"
  # --ignore-scripts: playwright-core has no install script, and no browser is downloaded.
  (cd "$out" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
exec timeout --kill-after=10 170 node "$here/sim_ui_test.mjs" "$exe" "$chromium" "$out"
