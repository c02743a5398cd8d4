# sciweek — the two commands a fresh machine needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
GO ?= go

# Every Go module of the workspace, and the package patterns that cover them.
MODULES := pkg services/registration services/venue services/checkin services/reporting services/gateway cmd/sciweek
PKGS := $(addprefix ./,$(addsuffix /...,$(MODULES)))
# buf lives in its own module (tools/go.mod) so its dependencies never move the project's own;
# `go tool -n` builds it once into the Go build cache and prints where.
BUF = $$(GOWORK=off $(GO) -C tools tool -n buf)
# golangci-lint has a module of its own (tools/lint/go.mod), so its many dependencies never move
# buf's.
GOLANGCI = $$(GOWORK=off $(GO) -C tools/lint tool -n golangci-lint)

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

.PHONY: deps
deps: ## Install the PostgreSQL server binaries when they are missing (Debian; as root)
	@if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's postgresql package…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else \
		echo "PostgreSQL server binaries are missing; run: sudo apt-get update && sudo apt-get install -y postgresql"; exit 1; \
	fi

# The browser tests drive Debian's Chromium; the Noto CJK fonts let it draw the Chinese pages;
# ffmpeg turns a ticket's QR code into the video Chromium's fake camera plays to the door app
# (and makes real MP4 files for the report back's tests).
.PHONY: browser
browser: ## Install Chromium, CJK fonts and ffmpeg for the browser tests when they are missing (Debian; as root)
	@if command -v chromium >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium, fonts-noto-cjk and ffmpeg…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk ffmpeg >/dev/null; \
	else \
		echo "Chromium or ffmpeg is missing; run: sudo apt-get update && sudo apt-get install -y chromium fonts-noto-cjk ffmpeg"; exit 1; \
	fi

# The import tests read .xls files made by a real spreadsheet program: Debian's LibreOffice
# (without its desktop) converts the XLSX plans they build into Excel 97-2003 workbooks.
.PHONY: office
office: ## Install LibreOffice Calc (headless) for the spreadsheet tests when it is missing (Debian; as root)
	@if command -v soffice >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's libreoffice-calc-nogui…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; \
	else \
		echo "LibreOffice is missing; run: sudo apt-get update && sudo apt-get install -y libreoffice-calc-nogui"; exit 1; \
	fi

# promtool checks and unit-tests the alert rules in deploy/k8s (Debian's prometheus package).
.PHONY: prometheus
prometheus: ## Install promtool (Debian's prometheus) for the alert rules' checks when it is missing (as root)
	@if command -v promtool >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's prometheus (for promtool)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; \
	else \
		echo "promtool is missing; run: sudo apt-get update && sudo apt-get install -y prometheus"; exit 1; \
	fi

# The operations kit (deploy/k8s) validated offline: kustomize (tools/kustomize, through go tool)
# renders it and deploy/check decodes every object strictly into the Kubernetes and CloudNativePG
# Go types, then promtool checks and tests the alert rules. deploy/check is its own module outside
# go.work, so Kubernetes' dependencies never move the project's.
.PHONY: deploy-check
deploy-check: prometheus ## Validate deploy/k8s offline: kustomize build, strict decoding, promtool
	GOWORK=off $(GO) -C deploy/check test -count=1 ./...

# The web console: Vue + Vite sources in web/, built into the gateway's embedded folder. npm ci
# runs again only when the lock file changes, the build only when a source changes.
CONSOLE := services/gateway/console/dist/index.html
WEB_SRC := $(shell find web -path web/node_modules -prune -o -type f -print 2>/dev/null)

.PHONY: web
web: $(CONSOLE) ## Build the web console into the gateway (npm ci, vue-tsc, vite)

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CONSOLE): web/node_modules/.installed $(WEB_SRC)
	cd web && npm run build

.PHONY: build
build: web ## Build bin/sciweek (with the console inside)
	$(GO) build -o bin/sciweek ./cmd/sciweek

.PHONY: run
# When Jaeger is up (make traces, in another terminal) and nothing else is configured, the spans
# go to it: OTEL_EXPORTER_OTLP_ENDPOINT is what every part reads.
run: deps build ## Start everything with demo data; Ctrl-C stops it, data stays in .data/ (traces go to make traces' Jaeger when it runs)
	@if [ -z "$$OTEL_EXPORTER_OTLP_ENDPOINT" ] && (exec 3<>/dev/tcp/127.0.0.1/4317) 2>/dev/null; then \
		echo "Jaeger is listening: traces go to it, open http://localhost:16686"; \
		export OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317; fi; \
	./bin/sciweek dev

# Jaeger v2 (the real binary, pinned in tools/jaeger/go.mod, built through go tool) with OTLP in
# (gRPC 4317, HTTP 4318), traces in memory, the UI and its API on 16686 (tools/jaeger/config.yaml).
.PHONY: jaeger
jaeger: ## Build Jaeger (tools/jaeger/go.mod), the trace store make traces and the trace test run
	GOWORK=off $(GO) -C tools/jaeger tool -n jaeger >/dev/null

.PHONY: traces
traces: jaeger ## Run Jaeger on localhost (OTLP in on 4317, UI on http://localhost:16686); make run then exports to it
	@echo "Jaeger: OTLP in on localhost:4317 and :4318, UI on http://localhost:16686 (Ctrl-C stops it; traces are kept in memory)"
	GOWORK=off $(GO) -C tools/jaeger tool jaeger --config config.yaml

# Mailpit, the real SMTP server the notification centre's tests send to, is pinned in its own
# module (tools/mailpit/go.mod) and built once into the Go build cache.
.PHONY: mailpit
mailpit: ## Build Mailpit (tools/mailpit/go.mod), the SMTP server the tests start
	GOWORK=off $(GO) -C tools/mailpit tool -n mailpit >/dev/null

.PHONY: test
test: deps browser office web mailpit jaeger deploy-check ## Run all tests (unit, integration, end to end, browser) against real NATS and PostgreSQL
	cd web && npm test
	$(GO) test -race -count=1 -timeout 12m $(PKGS)

# The cluster test (cmd/sciweek/cluster_test.go, build tag cluster): three nats-server
# processes with R3 streams, a PostgreSQL primary with a synchronous streaming standby behind a
# multi-host URL (target_session_attrs=read-write), check-in and reporting as two `sciweek serve`
# replicas each, loadgen uploading while a NATS node, a check-in replica, a reporting replica and
# the PostgreSQL primary are killed (the standby promoted); checks nothing acknowledged is lost or
# stored twice and reporting's aggregates equal the table; prints how long acknowledgements paused
# and when the promoted standby took its first write; ends with the lost store (SCIWEEK_CHECKIN
# made again, reporting rebuilt from the table). About 40 s; .ci/run runs it.
.PHONY: test-cluster
test-cluster: deps ## Kill NATS, check-in, reporting and the PostgreSQL primary under load on a cluster (about 40 s)
	set -o pipefail; $(GO) test -tags cluster -count=1 -timeout 5m -run TestClusterSurvivesKills -v ./cmd/sciweek/ 2>&1 | grep -E '^(cluster test:|---|ok|FAIL|PASS)|recovery:|_test.go'

.PHONY: test-unit
# The fast loop: the rules (domain), the conversions, the shared packages that need no server,
# and the architecture and event-catalogue checks. Seconds, nothing to start.
UNIT_PKGS := ./pkg/auth ./pkg/errs ./pkg/events ./pkg/rpc ./pkg/ticket ./services/gateway ./services/reporting/internal/stats/labels \
	$(addprefix ./,$(wildcard services/*/internal/domain services/*/internal/convert services/*/internal/*/domain services/*/internal/*/convert)) ./cmd/sciweek/internal/archtest
test-unit: ## Run the tests that need no server (domain, conversions, pkg, architecture): seconds
	$(GO) test -count=1 $(UNIT_PKGS)

.PHONY: bench
bench: deps browser build ## Go benchmarks, then the check-in pipeline benchmark (docs/bench/)
	mkdir -p docs/bench
	$(GO) test -run '^$$' -bench . -benchmem -count=1 $(PKGS) | tee docs/bench/go-benchmarks.txt
	./bin/sciweek bench -preload 10000000 -out docs/bench/checkin.md

.PHONY: gen
gen: web/node_modules/.installed ## Regenerate the Go and TypeScript code from the protos (protoc-gen-es comes from web/'s npm packages)
	buf=$(BUF) && $$buf format -w && $$buf generate

.PHONY: checkgen
checkgen: gen ## Fail when the committed generated code is stale
	@if [ -n "$$(git status --porcelain -- pkg/gen web/src/gen proto third_party)" ]; then \
		git status --short -- pkg/gen web/src/gen proto third_party; echo "generated code is stale: run make gen and commit"; exit 1; fi

.PHONY: lint
lint: ## go vet, golangci-lint (.golangci.yml), buf lint and buf format, every module's go.mod tidy
	$(GO) vet $(PKGS)
	@for m in $$(sed -n 's#^[[:space:]]*\(\./[^[:space:]]*\)$$#\1#p' go.work); do \
		(cd $$m && $(GO) mod tidy -diff >/dev/null) || { echo "$$m: go.mod is not tidy (run go mod tidy there)"; exit 1; }; done
	gcl=$(GOLANGCI) && $$gcl run $(PKGS)
	buf=$(BUF) && $$buf lint && $$buf format -d --exit-code

.PHONY: breaking
# AGAINST is what the protos are compared with: the previous commit by default (CI), or e.g.
# AGAINST='.git#branch=main' before a merge. A shallow clone is deepened by one commit first; a
# repository with a single commit has no earlier contract to break, and says so.
AGAINST ?= .git\#ref=HEAD~1
breaking: ## Fail when the protos break their previous commit's contract (buf breaking)
	@git rev-parse -q --verify HEAD~1 >/dev/null || git fetch -q --deepen=1 2>/dev/null || true
	@if [ "$(AGAINST)" = '.git#ref=HEAD~1' ] && ! git rev-parse -q --verify HEAD~1 >/dev/null; then \
		echo "make breaking: no previous commit here, so no earlier contract to compare with"; \
	else buf=$(BUF) && $$buf breaking --against '$(AGAINST)'; fi

# The nats CLI (stream info, consumer and stream reports; README, Operations), pinned in its own
# module (tools/natscli/go.mod).
.PHONY: nats
nats: ## Build bin/nats, the nats CLI, to look at the streams (README: Operations)
	GOWORK=off $(GO) -C tools/natscli build -o ../../bin/nats github.com/nats-io/natscli/nats

.PHONY: grpcurl
grpcurl: ## Build bin/grpcurl (pinned in tools/go.mod) to call the services by hand
	GOWORK=off $(GO) -C tools build -o ../bin/grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl

.PHONY: vendor-proto
vendor-proto: ## Re-print third_party/proto from the Go packages the runtime links
	GOWORK=off $(GO) -C tools run ./protovendor ../third_party/proto
	buf=$(BUF) && $$buf format -w

.PHONY: tidy
tidy: ## go mod tidy in every module
	for m in $(MODULES); do (cd $$m && $(GO) mod tidy) || exit 1; done
	cd tools && GOWORK=off $(GO) mod tidy
	cd tools/lint && GOWORK=off $(GO) mod tidy
	cd tools/mailpit && GOWORK=off $(GO) mod tidy
	cd tools/kustomize && GOWORK=off $(GO) mod tidy
	cd tools/jaeger && GOWORK=off $(GO) mod tidy
	cd tools/natscli && GOWORK=off $(GO) mod tidy
	cd deploy/check && GOWORK=off $(GO) mod tidy

.PHONY: clean
clean: ## Remove build output (not the data in .data/)
	rm -rf bin web/node_modules
	find services/gateway/console/dist -mindepth 1 ! -name .gitkeep -delete
