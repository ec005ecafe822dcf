# Commands for people and for CI. `make help` lists them.
STACK ?= qa

# The engine cycle's tools (e2e/): the Pulumi CLI at the version e2e/cli
# pins (the program's SDK version) and the test-only aws plugin. Built into
# bin/e2e, an ignored folder, and rebuilt only when their sources change.
E2E_TOOLS   := bin/e2e
E2E_CLI     := $(E2E_TOOLS)/bin/pulumi
E2E_PLUGIN  := $(E2E_TOOLS)/pulumi-resource-aws
# The rds-proxy package's provider plugin and the YAML language host (beside
# the CLI, where the CLI finds it), for the YAML program's engine test.
PKG_PLUGIN  := $(E2E_TOOLS)/pulumi-resource-rds-proxy
YAML_HOST   := $(E2E_TOOLS)/bin/pulumi-language-yaml
# The SDK generator (e2e/sdkgen): the Node.js, Python and Go SDKs from the
# plugin's schema, for the SDK tests and `make sdk`.
SDKGEN      := $(E2E_TOOLS)/sdkgen
# Where `make sdk` writes the schema and the SDKs (ignored, never committed).
SDK_DIR     := bin/sdk
CLI_VERSION  = $(shell cd e2e/cli && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)

.PHONY: help plan plan-json test test-short e2e e2e-tools sdk sdk-test golden golden-check fmt-check vet lint check-tracked ci

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

plan: ## print, offline, what `pulumi up` would create for STACK (default qa)
	go run ./cmd/plan -stack $(STACK)

plan-json: ## the whole planned graph of STACK as JSON
	go run ./cmd/plan -stack $(STACK) -json

test: ## every test: mocks tests, golden plans, the engine cycle (skipped without `make e2e-tools` and moto; the last lines say why), the test plugin's and the rds-proxy plugin's own
	bash scripts/test.sh

test-short: ## the mocks tests only, without the engine cycle
	go test -count=1 -short ./...

e2e: e2e-tools ## the engine cycle alone: preview, up, refresh, update, cutover, destroy of qa and prod, the Go example, and the YAML and TypeScript programs, against moto
	RDS_PROXY_E2E=require go test -count=1 -timeout 45m -v -run 'TestEngineCycle|TestBridge|TestExampleGo|TestPackageYAML|TestPackageTypeScript' ./e2e

e2e-tools: $(E2E_CLI) $(E2E_PLUGIN) $(PKG_PLUGIN) $(YAML_HOST) $(SDKGEN) ## build the Pulumi CLI, the test aws plugin, the rds-proxy plugin, the YAML language host and the SDK generator into bin/e2e (reused while up to date)

$(E2E_CLI): e2e/cli/go.mod e2e/cli/go.sum
	cd e2e/cli && go build -o ../../$@ -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(CLI_VERSION)" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

$(E2E_PLUGIN): e2e/awsbridge/go.mod e2e/awsbridge/go.sum $(wildcard e2e/awsbridge/*.go e2e/awsbridge/*/*.go)
	cd e2e/awsbridge && go build -o ../../$@ .

# The plugin imports the component: any Go file of the main module may change it.
$(PKG_PLUGIN): cmd/pulumi-resource-rds-proxy/go.mod cmd/pulumi-resource-rds-proxy/go.sum go.mod go.sum $(shell git ls-files '*.go' 2>/dev/null | grep -v '_test.go$$' | grep -v '^e2e/' | grep -v '^tools/')
	cd cmd/pulumi-resource-rds-proxy && go build -o ../../$@ .

$(YAML_HOST): e2e/yamlhost/go.mod e2e/yamlhost/go.sum
	cd e2e/yamlhost && go build -o ../../$@ github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml

$(SDKGEN): e2e/sdkgen/go.mod e2e/sdkgen/go.sum $(wildcard e2e/sdkgen/*.go)
	cd e2e/sdkgen && go build -o ../../$@ .

sdk: $(E2E_CLI) $(PKG_PLUGIN) $(SDKGEN) ## write the plugin's schema and the Node.js, Python and Go SDKs into bin/sdk, to look at or install
	mkdir -p $(SDK_DIR)
	PULUMI_HOME=$(SDK_DIR)/.pulumi-home PULUMI_SKIP_UPDATE_CHECK=1 $(E2E_CLI) package get-schema ./$(PKG_PLUGIN) > $(SDK_DIR)/schema.json
	$(SDKGEN) -schema $(SDK_DIR)/schema.json -out $(SDK_DIR)
	@echo "SDKs in $(SDK_DIR)/nodejs, $(SDK_DIR)/python and $(SDK_DIR)/go (examples/typescript/README.md: how to install the Node.js one)"

sdk-test: e2e-tools ## the SDK tests: the Go SDK builds, the Python SDK and example compile, the TypeScript example type-checks and runs through the engine against moto
	RDS_PROXY_E2E=require go test -count=1 -timeout 30m -v -run 'TestGoSDKCompiles|TestPythonSDKAndExample|TestTypeScriptTypeCheck|TestPackageTypeScript' ./e2e

golden: ## rewrite tests/testdata/*.plan.json from the current program; review the diff
	go test -count=1 ./tests -run 'TestGoldenPlans' -update

golden-check: ## fail when a golden plan is out of date
	go test -count=1 ./tests -run 'TestGoldenPlans'

fmt-check: ## fail when gofmt would change a file
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet, over the program, the test plugin, the rds-proxy plugin and the SDK generator
	go vet ./...
	cd e2e/awsbridge && go vet ./...
	cd cmd/pulumi-resource-rds-proxy && go vet ./...
	cd e2e/sdkgen && go vet ./...

lint: ## actionlint over the workflows and golangci-lint over the code (pinned in tools/go.mod)
	scripts/lint.sh

check-tracked: ## fail when git tracks an ELF binary or a file over 1 MiB (outside testdata/)
	bash scripts/check-tracked.sh

ci: ## what CI runs
	bash .ci/run
