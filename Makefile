# Front door. A fresh Debian 12 machine needs only `make demo` and `make test`.
# Packages: `make deps` (and so build, test, demo) installs what building and testing need;
# `make bench` adds the benchmarks' peers, `make fuzz` adds clang (scripts/install-deps.sh).
BUILD_DIR ?= build
FUZZ_DIR  ?= build-fuzz
JOBS      ?= $(shell nproc)
CMAKE_FLAGS ?=
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps bench-deps fuzz-deps build test unit demo bench fuzz fuzz-campaign package image format format-check layers clean

all: build

deps:
	@$(SUDO) scripts/install-deps.sh test

bench-deps:
	@$(SUDO) scripts/install-deps.sh bench

fuzz-deps:
	@$(SUDO) scripts/install-deps.sh fuzz

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DVQ_WERROR=ON $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

format-check:
	tools/check_format.sh

layers:
	python3 tools/check_layers.py

# Every test: unit, integration, fuzz-corpus replay and system tests (namespaces, QEMU).
# With CI=true a system test that would skip (not root, a tool missing) fails instead.
test: build format-check layers
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 900

# Only the fast tests (no namespaces, no QEMU).
unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L 'unit|fuzz|integration'

demo: build
	scripts/demo.sh $(BUILD_DIR)/vaquero

bench: bench-deps build
	scripts/bench.sh $(BUILD_DIR)

fuzz: fuzz-deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_DIR) -G Ninja -DVQ_FUZZ=ON -DVQ_BENCH=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers
	scripts/fuzz.sh $(FUZZ_DIR) $${FUZZ_SECONDS:-60}

# Every fuzz target to RUNS executions (10 million by default), counts in build-fuzz/campaign/.
fuzz-campaign: fuzz-deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_DIR) -G Ninja -DVQ_FUZZ=ON -DVQ_BENCH=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers
	scripts/fuzz-campaign.sh $(FUZZ_DIR) $(FUZZ_DIR)/campaign

# The Debian package (binary, systemd units, configs in /etc/vaquero) in $(BUILD_DIR)/package/.
package: build
	scripts/package.sh $(BUILD_DIR) $(BUILD_DIR)/package

# The OCI image localhost/vaquero:<version> (and :latest), built with podman from Debian's archive.
image: build
	scripts/image.sh $(BUILD_DIR)

format:
	tools/check_format.sh --fix

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
