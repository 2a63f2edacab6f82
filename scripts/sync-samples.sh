#!/usr/bin/env bash
# Refreshes tests/data/paystack-samples from Paystack's official samples (../shared/paystack).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf tests/data/paystack-samples
cp -r ../shared/paystack/samples tests/data/paystack-samples
chmod -R u+w tests/data/paystack-samples
echo "tests/data/paystack-samples: $(find tests/data/paystack-samples -type f | wc -l) files"
