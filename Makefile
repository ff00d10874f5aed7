# sarafw: `make` builds; `make demo` runs the main job on the built-in
# simulator; `make check` runs every test. demo, check, test, size, bench,
# fuzz and deps install missing Debian packages first (as root) or print the
# apt-get line; `make` and `make build` never install anything.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS += --no-print-directory

.PHONY: all deps build check test test-asan size demo bench fuzz soak clean

# configure and build $(1) with extra cmake arguments $(2)
define cmake_build
	@command -v cmake >/dev/null 2>&1 || { echo "make: cmake not found; debian-packages.txt lists what sarafw needs to build" >&2; exit 127; }
	@cmake -S . -B $(1) $(2) >/dev/null
	@cmake --build $(1) -j $(JOBS)
endef

all: build

deps:
	@scripts/deps.sh

build:
	$(call cmake_build,$(BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo)

test: deps
	$(call cmake_build,$(BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: deps
	$(call cmake_build,$(ASAN_BUILD),-DCMAKE_BUILD_TYPE=Debug -DSARAFW_SANITIZE=ON)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

check: test test-asan size

# the installer's power-cut tests at 50 seeded points instead of check's 10,
# kill -9 at 30 seeded points of a uFOTA download instead of 4, and the
# server killed at 20 moments of a campaign instead of 6
soak: deps
	$(call cmake_build,$(BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo)
	SARAFW_SOAK=1 ctest --test-dir $(BUILD) --output-on-failure -R 'integration\.test_(sim_install|server_killpoints)$$'
	SARAFW_LWM2M_KILLS=30 ctest --test-dir $(BUILD) --output-on-failure -R 'integration\.test_sim_lwm2m$$'

size: deps
	@scripts/size.sh

demo: deps
	$(call cmake_build,$(BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo)
	@scripts/demo.sh $(BUILD)/bin

bench: deps
	$(call cmake_build,$(BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo)
	@scripts/bench.sh $(BUILD)

fuzz: deps
	@scripts/fuzz.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-size build-fuzz
