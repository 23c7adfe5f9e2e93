# lorag — the two commands a fresh machine needs are `make demo` and `make test` (README.md).
#
# Builds and tests run in release mode: the numerical tests (BERT embeddings, Llama logits,
# finite-difference checks) are 20-50x slower unoptimised, and one configuration means one build.
# The `index` program is built as the product `lorag-index` because SwiftPM keeps its index store
# at .build/<config>/index; `make bin` installs all six under their real names in bin/.

SWIFT ?= swift
CONFIG ?= release
# Package.swift may not carry unsafe flags (they stop the package being used as a dependency), so
# the CPU level is chosen here: on a CPU with AVX2 and FMA, compile for Haswell-level x86-64 (AVX2, FMA, F16C) so that the SIMD
# kernels use 256-bit registers and fused multiply-add. Elsewhere the portable baseline is used.
CPU_FLAGS := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo && echo "-Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell")
SWIFT_FLAGS ?= -c $(CONFIG) $(CPU_FLAGS)
PREFIX ?= $(CURDIR)
PROGRAMS := chunk embed retrieve lora-train generate

.PHONY: setup models build bin test demo bench clean

setup:
	@bash scripts/setup-system.sh

models:
	@bash scripts/fetch-models.sh

build: setup
	$(SWIFT) build $(SWIFT_FLAGS)

bin: build
	@mkdir -p $(PREFIX)/bin
	@dir=$$($(SWIFT) build $(SWIFT_FLAGS) --show-bin-path); \
	for p in $(PROGRAMS); do install -m 755 $$dir/$$p $(PREFIX)/bin/$$p; done; \
	install -m 755 $$dir/lorag-index $(PREFIX)/bin/index
	@echo "installed chunk embed index retrieve lora-train generate in $(PREFIX)/bin" >&2

test: setup models
	$(SWIFT) test $(SWIFT_FLAGS)

demo: setup models bin
	@bash scripts/demo.sh

bench: setup models bin
	@$(MAKE) -C Benchmarks all

clean:
	rm -rf .build bin
