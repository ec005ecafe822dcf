# Commands for people and for CI. `make help` lists them.
STACK ?= qa

.PHONY: help plan plan-json test test-short golden golden-check fmt-check vet lint ci

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

plan: ## print, offline, what `pulumi up` would create for STACK (default qa)
	go run ./cmd/plan -stack $(STACK)

plan-json: ## the whole planned graph of STACK as JSON
	go run ./cmd/plan -stack $(STACK) -json

test: ## every test: mocks tests, golden plans and the emulator cycle (skipped without terraform/moto)
	go test -count=1 ./...

test-short: ## the mocks tests only, without the emulator cycle
	go test -count=1 -short ./...

golden: ## rewrite tests/testdata/*.plan.json from the current program; review the diff
	go test -count=1 ./tests -run 'TestGoldenPlans' -update

golden-check: ## fail when a golden plan is out of date
	go test -count=1 ./tests -run 'TestGoldenPlans'

fmt-check: ## fail when gofmt would change a file
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet
	go vet ./...

lint: ## actionlint over the workflows and golangci-lint over the code (pinned in tools/go.mod)
	scripts/lint.sh

ci: ## what CI runs
	bash .ci/run
