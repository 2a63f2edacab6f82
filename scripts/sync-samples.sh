#!/usr/bin/env bash
# Refreshes tests/data/paystack-samples and tests/data/paystack-openapi.yaml from Paystack's
# official samples and OpenAPI spec (../shared/paystack).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf tests/data/paystack-samples
cp -r ../shared/paystack/samples tests/data/paystack-samples
chmod -R u+w tests/data/paystack-samples
cp ../shared/paystack/openapi.yaml tests/data/paystack-openapi.yaml
chmod u+w tests/data/paystack-openapi.yaml
echo "tests/data/paystack-samples: $(find tests/data/paystack-samples -type f | wc -l) files"
