# The connector host. `make run` serves the bundled plugins on 127.0.0.1:8080;
# `make test` runs every test and lists the skipped ones with their reasons.
# Everything runs through `go` and `go tool` binaries pinned in go.mod, so a
# fresh machine needs only Go.

GO       ?= go
LISTEN   ?= 127.0.0.1:8080
PLUGINS  := $(patsubst plugins/%/wasm,%,$(wildcard plugins/*/wasm))
WASM     := $(patsubst %,bin/plugins/%.wasm,$(PLUGINS))

.PHONY: all build host platform plugins plugin-sizes run run-platform test check lint generate docs api-doc check-generate breaking vendor-proto matrix conformance bench clean FORCE

all: build

build: host platform plugins

host:
	$(GO) build -o bin/connector-host ./cmd/connector-host

plugins: $(WASM)

# wasm-opt (Debian/Ubuntu package `binaryen`) shrinks a plugin by about a
# tenth; without it the build still works and says so. WASM_OPT= disables it.
# It runs only when `go build` produced a different module than last time
# (bin/wasm-raw keeps the unoptimized one), as it takes tens of seconds.
WASM_OPT ?= $(shell command -v wasm-opt 2>/dev/null)
WASM_OPT_FLAGS ?= -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals

bin/plugins/%.wasm: FORCE
	@mkdir -p bin/plugins bin/wasm-raw
	GOOS=wasip1 GOARCH=wasm $(GO) build -trimpath -buildmode=c-shared -ldflags="-s -w" -o bin/wasm-raw/$*.wasm.new ./plugins/$*/wasm
	@if [ -f $@ ] && cmp -s bin/wasm-raw/$*.wasm.new bin/wasm-raw/$*.wasm && [ "$$(cat bin/wasm-raw/$*.opt 2>/dev/null)" = "$(WASM_OPT) $(WASM_OPT_FLAGS)" ]; then \
		rm bin/wasm-raw/$*.wasm.new; echo "$@ is up to date"; \
	else \
		mv bin/wasm-raw/$*.wasm.new bin/wasm-raw/$*.wasm; \
		if [ -n "$(WASM_OPT)" ]; then \
			echo "$(WASM_OPT) $(WASM_OPT_FLAGS) $@"; \
			$(WASM_OPT) $(WASM_OPT_FLAGS) bin/wasm-raw/$*.wasm -o $@.tmp && mv $@.tmp $@; \
		else \
			echo "wasm-opt not found (apt-get install binaryen): $@ is not optimized"; cp bin/wasm-raw/$*.wasm $@.tmp && mv $@.tmp $@; \
		fi; \
		echo "$(WASM_OPT) $(WASM_OPT_FLAGS)" > bin/wasm-raw/$*.opt; \
	fi

# Every bundled plugin stays within the size budget (issue 13: <= 3.5 MB after
# wasm-opt; BENCHMARKS.md lists today's sizes). Without wasm-opt the modules
# are about a tenth larger and are not held to it.
PLUGIN_MAX_BYTES ?= 3500000
plugin-sizes: plugins
	@if [ -z "$(WASM_OPT)" ]; then echo "plugin-sizes: wasm-opt not found, size budget not checked"; exit 0; fi; \
	over=0; for f in $(WASM); do n=$$(wc -c < $$f); \
		if [ $$n -gt $(PLUGIN_MAX_BYTES) ]; then echo "$$f is $$n bytes, over the $(PLUGIN_MAX_BYTES)-byte budget"; over=1; fi; \
	done; \
	[ $$over -eq 0 ] && echo "plugin-sizes: every bundled plugin is within $(PLUGIN_MAX_BYTES) bytes"

run: build
	./bin/connector-host serve --listen $(LISTEN) --plugins bin/plugins

platform:
	$(GO) build -o bin/payments-platform ./cmd/payments-platform

# The payments platform on embedded SQLite (bin/payments.db) with the bundled
# plugins in process, on $(PLATFORM_LISTEN). A development encryption key for
# connector credentials is generated once into bin/platform-dev.keys.
PLATFORM_LISTEN ?= 127.0.0.1:8090
run-platform: platform plugins
	@test -s bin/platform-dev.keys || ./bin/payments-platform gen-key dev > bin/platform-dev.keys
	PAYMENTS_ENCRYPTION_KEYS="$$(cat bin/platform-dev.keys)" ./bin/payments-platform serve --listen $(PLATFORM_LISTEN) --database sqlite:bin/payments.db --plugins bin/plugins

# go test's usual output, then every skipped test with its reason and a
# closing "N passed, N failed, N skipped" line (internal/testsum).
test: build
	$(GO) run ./internal/testsum -count=1 -timeout 30m ./...
	cd third_party/fastjson && $(GO) test -count=1 ./...

# The checks CI runs besides the tests.
check: lint check-generate breaking plugin-sizes

# -printf.funcs: plugin code formats with internal/textf, not fmt; naming its
# Sprintf lets vet check the format strings of every printf-style PDK helper
# (pdk.Errorf, pdk.Unsupported, pdk.Reject, ...) that forwards to it.
# The plugins are vetted a second time as they are built, for wasip1 (the lite
# generated code); their tests that need the host (conformance, host/app, the
# Connect clients, protobuf reflection) carry //go:build !wasip1.
lint:
	$(GO) tool buf lint
	$(GO) vet -printf.funcs=github.com/connectorhost/connector-host/internal/textf.Sprintf ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet -printf.funcs=github.com/connectorhost/connector-host/internal/textf.Sprintf ./plugins/...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

generate:
	$(GO) tool buf generate
	$(GO) tool buf generate --template buf.gen.lite.yaml
	$(GO) run ./internal/genlite bin/gen-lite gen
	$(GO) run ./internal/genflows .
	$(MAKE) --no-print-directory api-doc

# Regenerates the generated documentation: docs/api.md from the protos and
# docs/connectors.md (the feature matrix) from the bundled plugins.
docs: api-doc matrix

api-doc:
	@mkdir -p bin
	$(GO) tool buf build -o bin/api.binpb
	$(GO) run ./internal/apidoc bin/api.binpb docs/api.md

# Fails when the committed generated code differs from what the protos produce.
# Everything `make generate` writes.
GENERATED = gen docs/api.md docs/plugin-abi.md abi/flows.gen.go abi/flows_host.gen.go pdk/flows.gen.go pdk/flows_gen_test.go host/server/services.gen.go

check-generate: generate
	@test -z "$$(git status --porcelain -- $(GENERATED))" || (git status --porcelain -- $(GENERATED); echo "generated code or docs are stale: run 'make generate' and commit"; exit 1)

# Fails when the API changed incompatibly since the previous commit on main.
breaking:
	@if git rev-parse -q --verify HEAD~1 >/dev/null && [ -n "$$(git ls-tree -r --name-only HEAD~1 -- proto)" ]; then \
		$(GO) tool buf breaking --against ".git#ref=$$(git rev-parse HEAD~1)"; \
	else echo "buf breaking: no previous commit with protos; skipped"; fi

# Refreshes third_party/proto from the pinned protovalidate module.
vendor-proto:
	cp "$$($(GO) mod download -json github.com/bufbuild/protovalidate@v1.2.2 | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')/proto/protovalidate/buf/validate/validate.proto" third_party/proto/buf/validate/validate.proto
	chmod 644 third_party/proto/buf/validate/validate.proto

# Regenerates docs/connectors.md (the feature matrix) from the bundled
# plugins' manifests and conformance results.
matrix:
	$(GO) run ./conformance/cmd/matrix

# Runs the conformance suite on every bundled plugin.
conformance: build
	@for p in $(PLUGINS); do ./bin/connector-host conformance bin/plugins/$$p.wasm --fixtures plugins/$$p/fixtures || exit 1; done

# Short versions of every benchmark scenario (under 5 minutes); see BENCHMARKS.md.
bench: build
	$(GO) test -run '^$$' -bench 'Transforms/.*/(authorize_card|get)$$' -benchtime 300x ./plugins/stripe/
	$(GO) test -run '^$$' -bench 'Compile|Instantiate' -benchtime 2x ./host/sandbox/
	$(GO) run ./cmd/bench all --short

clean:
	rm -rf bin
