#!/usr/bin/env bash
# Lints the workflows and the Go code with the tool versions pinned in
# tools/: actionlint (tools/actionlint/go.mod) on .github/workflows, then
# golangci-lint (tools/go.mod, configured by .golangci.yml) on ./...
# Called by `make lint` and .ci/run; run it from anywhere in the repository.
# The first run builds both tools from source (golangci-lint takes a minute
# or two on two cores); later runs use the Go build cache.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

actionlint=(go tool -modfile=tools/actionlint/go.mod actionlint)
golangci_lint=(go tool -modfile=tools/go.mod golangci-lint)

version="$("${actionlint[@]}" -version)"
echo "==> actionlint ${version%%$'\n'*}"
if command -v shellcheck >/dev/null 2>&1; then
  version="$(shellcheck --version)"
  version="${version#*version: }"
  echo "    with shellcheck ${version%%$'\n'*} for the run: scripts"
elif [[ -n "${CI:-}" ]]; then
  # actionlint skips the run: scripts silently without shellcheck; in CI
  # that would pass what a developer's machine rejects.
  echo "lint: shellcheck is required in CI (apt-get install -y shellcheck)" >&2
  exit 1
else
  echo "    shellcheck not installed: the run: scripts are not checked"
fi
# No arguments: every workflow file under .github/workflows.
"${actionlint[@]}"

echo "==> $("${golangci_lint[@]}" version)"
# .golangci.yml against the schema embedded in that version (offline).
"${golangci_lint[@]}" config verify
"${golangci_lint[@]}" run ./...
# The rds-proxy plugin is its own module (cmd/pulumi-resource-rds-proxy).
(cd cmd/pulumi-resource-rds-proxy && go tool -modfile=../../tools/go.mod golangci-lint run ./...)
# The SDK generator is its own module too (e2e/sdkgen).
(cd e2e/sdkgen && go tool -modfile=../../tools/go.mod golangci-lint run ./...)

echo "lint: OK"
