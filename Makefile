# Entry points; every target installs missing Debian packages first (scripts/install-deps).
#   make demo    the main job on the project's own sample
#   make test    build and run all tests
#   make bench   text and data pipeline benchmarks, side by side with SentencePiece and ICU
#   make install-python   builds the Python module and installs it for /usr/bin/python3 (docs/python.md)
#   make package the Debian packages sieve and sieve-train in $(BUILD_DIR) (docs/install.md)
#   make fuzz    every fuzz target for FUZZ_SECONDS (default 60) under ASan and UBSan (docs/fuzzing.md)
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test demo bench install-python package fuzz format clean

all: build

deps:
	scripts/install-deps

configure: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

install-python: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target sieve_python
	cmake --install $(BUILD_DIR) --component python

# Builds only what the packages hold (not the tests), then packs it: $(BUILD_DIR)/sieve_*.deb, sieve-train_*.deb
package: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target packaged
	cd $(BUILD_DIR) && cpack -G DEB

fuzz:
	scripts/fuzz

demo: build
	scripts/demo $(BUILD_DIR)

bench: build
	BUILD_DIR=$(BUILD_DIR) bench/text_pipeline
	BUILD_DIR=$(BUILD_DIR) bench/data_pipeline

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) build-fuzz
