#!/usr/bin/env bash
# `make test`: every test of the program (mocks tests, golden plans, the
# engine cycle), the test plugin's and the rds-proxy plugin's own, then one line per engine test
# saying whether it ran or why it was skipped. `go test` without -v prints
# no skip reason, so a cycle that did not run would otherwise look like a
# pass.
set -uo pipefail
cd "$(dirname "$0")/.."

report="$(mktemp)"
trap 'rm -f "$report"' EXIT

status=0
RDS_PROXY_E2E_REPORT="$report" go test -count=1 -timeout 60m ./... || status=$?
(cd e2e/awsbridge && go test -count=1 ./...) || status=$?
(cd cmd/pulumi-resource-rds-proxy && go test -count=1 ./...) || status=$?

echo
echo "The engine cycle (e2e/, docs/testing.md):"
if [ -s "$report" ]; then
  sed 's/^/  /' "$report"
else
  echo "  no engine test ran"
fi
exit "$status"
