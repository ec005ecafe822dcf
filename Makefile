# Commands for people and for CI. `make help` lists them.
STACK ?= qa

# The engine cycle's tools (e2e/): the Pulumi CLI at the version e2e/cli
# pins (the program's SDK version) and the test-only aws plugin. Built into
# bin/e2e, an ignored folder, and rebuilt only when their sources change.
E2E_TOOLS   := bin/e2e
E2E_CLI     := $(E2E_TOOLS)/bin/pulumi
E2E_PLUGIN  := $(E2E_TOOLS)/pulumi-resource-aws
CLI_VERSION  = $(shell cd e2e/cli && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)

.PHONY: help plan plan-json test test-short e2e e2e-tools golden golden-check fmt-check vet lint check-tracked ci

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

plan: ## print, offline, what `pulumi up` would create for STACK (default qa)
	go run ./cmd/plan -stack $(STACK)

plan-json: ## the whole planned graph of STACK as JSON
	go run ./cmd/plan -stack $(STACK) -json

test: ## every test: mocks tests, golden plans, the engine cycle (skipped without `make e2e-tools` and moto; the last lines say why) and the test plugin's own
	bash scripts/test.sh

test-short: ## the mocks tests only, without the engine cycle
	go test -count=1 -short ./...

e2e: e2e-tools ## the engine cycle alone: preview, up, refresh, update, cutover, destroy of qa and prod, and the Go example, against moto
	RDS_PROXY_E2E=require go test -count=1 -timeout 30m -v -run 'TestEngineCycle|TestBridge|TestExampleGo' ./e2e

e2e-tools: $(E2E_CLI) $(E2E_PLUGIN) ## build the Pulumi CLI and the test aws plugin into bin/e2e (reused while up to date)

$(E2E_CLI): e2e/cli/go.mod e2e/cli/go.sum
	cd e2e/cli && go build -o ../../$@ -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(CLI_VERSION)" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

$(E2E_PLUGIN): e2e/awsbridge/go.mod e2e/awsbridge/go.sum $(wildcard e2e/awsbridge/*.go e2e/awsbridge/*/*.go)
	cd e2e/awsbridge && go build -o ../../$@ .

golden: ## rewrite tests/testdata/*.plan.json from the current program; review the diff
	go test -count=1 ./tests -run 'TestGoldenPlans' -update

golden-check: ## fail when a golden plan is out of date
	go test -count=1 ./tests -run 'TestGoldenPlans'

fmt-check: ## fail when gofmt would change a file
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet, over the program and the test plugin
	go vet ./...
	cd e2e/awsbridge && go vet ./...

lint: ## actionlint over the workflows and golangci-lint over the code (pinned in tools/go.mod)
	scripts/lint.sh

check-tracked: ## fail when git tracks an ELF binary or a file over 1 MiB (outside testdata/)
	bash scripts/check-tracked.sh

ci: ## what CI runs
	bash .ci/run
