#!/usr/bin/env bash
# The main job: installs the Debian packages, builds paystack-terminal and runs the in-person
# payment demo against the embedded simulator (no key, no network). Extra arguments go to
# `paystack-terminal demo` (e.g. --decline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target paystack-terminal
exec ./build/release/cli/paystack-terminal demo "$@"
