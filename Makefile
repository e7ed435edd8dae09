# make test   – everything CI runs: formatting, vet, the SQLite tier, then the
#               database suites again on a throwaway PostgreSQL it starts and stops.
# make run    – the product: LedgerSync and the demo bank, on SQLite in ./ledgersync-data.
# make bench  – the benchmarks, as a table.

SHELL   := bash
GO      ?= go
TIMEOUT ?= 20m
SUMMARY  = $(GO) run ./tools/testsummary

# Packages whose tests run against both databases (they use storetest).
DB_PACKAGES = $(shell $(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... \
                | awk '/internal\/store\/storetest/ {print $$1}')

.PHONY: test fmt-check vet test-sqlite test-postgres build run bench fuzz

test: fmt-check vet test-sqlite test-postgres

fmt-check:
	@files=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$files" ]; then echo "gofmt would change:"; echo "$$files"; exit 1; fi; \
	echo "gofmt: clean"

vet:
	$(GO) vet ./...

test-sqlite:
	@set -o pipefail; $(GO) test -json -count=1 -timeout $(TIMEOUT) ./... \
	  | $(SUMMARY) -title "SQLite tier: go test ./..."

test-postgres:
	@set -o pipefail; scripts/with-postgres sh -c \
	  '$(GO) test -json -count=1 -timeout $(TIMEOUT) $(DB_PACKAGES) | $(SUMMARY) -title "PostgreSQL tier: the database suites again"'

build:
	$(GO) build -o bin/ledgersync ./cmd/ledgersync

run:
	$(GO) run ./cmd/ledgersync demo

# Each benchmark prints ns/op and, where it measures a rate, that rate
# (e.g. verifications/s for the login engine next to raw argon2id). The
# challenge relay runs 200 challenges on SQLite and on a throwaway
# PostgreSQL and prints p50-ms and p99-ms.
bench:
	@$(GO) test -run '^$$' -bench . -benchtime 3s $$($(GO) list ./... | grep -v /internal/refresh$$) | grep -E '^(Benchmark|ok|FAIL|---)'
	@scripts/with-postgres sh -c '$(GO) test -run "^$$" -bench RelayLatency -benchtime 200x ./internal/refresh' | grep -E '^(Benchmark|ok|FAIL|---)'


# The OFX parser's fuzz target for a minute (not part of make test).
fuzz:
	$(GO) test ./internal/ofx -run '^$$' -fuzz=FuzzParse -fuzztime=60s
