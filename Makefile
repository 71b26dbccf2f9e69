# LoBot: builds the static Embedded Swift agent `lobot` and the factory `lobot-factory` from one
# package, and runs the tests, the benchmarks and the size report.

# ---- Paths ---------------------------------------------------------------------------------
BUILD        := build
EMBEDDED_DIR := .build-embedded
LOBOT        := $(BUILD)/lobot
LOBOT_FULL   := $(BUILD)/lobot.unstripped
LOBOT_MAP    := $(BUILD)/lobot.map
FACTORY      := $(BUILD)/lobot-factory
FACTORY_STATIC := $(BUILD)/lobot-factory-static
# The static factory is linked from the debug objects `swift test` builds anyway (a link, not a
# second build); FACTORY_STATIC_CONFIG=release makes the release one (about 9 minutes from clean).
FACTORY_STATIC_CONFIG ?= debug
SIZE_IMAGE   := $(BUILD)/size-image
# TrouSerS twice: on glibc for the test binaries, on musl for the agent.
TROUSERS     := $(BUILD)/trousers/lib/libtspi.a
TROUSERS_MUSL := $(BUILD)/trousers-musl/lib/libtspi.a
# The trimmed libcrypto.a (scripts/build-openssl), built with musl-gcc for the agent.
OPENSSL_DIR  := $(BUILD)/openssl
OPENSSL      := $(OPENSSL_DIR)/lib/libcrypto.a
LIBCRYPTO_DIR ?= $(abspath $(OPENSSL_DIR)/lib)
# libtpms, the guest TPM engine: Debian's static archive (libtpms-dev), copied into the build so
# that no link searches the system's library directory for it (on musl that would find glibc's
# libc.a); it was built against glibc, so the musl link adds the fortify entry points it calls
# (third_party/libtpms/fortify.c), compiled by musl-gcc.
LIBTPMS_SYSTEM  := /usr/lib/x86_64-linux-gnu/libtpms.a
LIBTPMS_DIR     := $(BUILD)/libtpms
LIBTPMS         := $(LIBTPMS_DIR)/libtpms.a
LIBTPMS_FORTIFY := $(LIBTPMS_DIR)/libtpms_fortify.a
# What musl's headers lack and the agent's C needs -- the kernel's headers, TrouSerS' API headers
# (libtspi-dev) and libtpms' (libtpms-dev) -- as links in one directory searched after musl's, so
# no glibc header is ever picked up.
MUSL_INCLUDE := $(BUILD)/musl-include
MUSL_HEADERS := linux asm-generic tss trousers libtpms
MUSL_ENV     := CC=musl-gcc EXTRA_CFLAGS="-idirafter $(abspath $(MUSL_INCLUDE))"

# ---- Flags ---------------------------------------------------------------------------------
SWIFT        ?= swift
EMBEDDED_ENV := LOBOT_EMBEDDED=1 LOBOT_LINK_MAP=$(abspath $(LOBOT_MAP)) LOBOT_LIBCRYPTO_DIR=$(LIBCRYPTO_DIR) \
                LOBOT_OPENSSL_INCLUDE=$(abspath $(OPENSSL_DIR)/include) \
                LOBOT_TROUSERS_DIR=$(abspath $(dir $(TROUSERS_MUSL))) LOBOT_LIBTPMS_DIR=$(abspath $(LIBTPMS_DIR)) \
                LOBOT_MUSL_EXTRA_INCLUDE=$(abspath $(MUSL_INCLUDE)) LOBOT_LIBGCC=$(shell gcc -print-libgcc-file-name)
TEST_ENV     := LOBOT_BIN=$(abspath $(LOBOT)) LOBOT_FACTORY_BIN=$(abspath $(FACTORY)) \
                LOBOT_FACTORY_STATIC_BIN=$(abspath $(FACTORY_STATIC))
SOURCES_CORE := $(shell find Sources/LoBotCore Sources/LoBotPlatform Sources/LoBotGuestTPM Sources/LoBotMin Sources/CLibC \
                  Sources/CLibCrypto Sources/CTSPI Sources/CLibTPMS -type f) Package.swift
SOURCES_ALL  := $(shell find Sources -type f) Package.swift

# The libFuzzer targets (fuzz/LoBotFuzz): one binary, built with its own scratch path only when
# LOBOT_FUZZ=1 (Package.swift), LoBot's own modules instrumented (-sanitize=fuzzer,address).
# `make fuzz` runs a release build; the smoke run `make test` ends with a debug one, which
# builds in 3 minutes instead of 9 and runs a little over half as many executions a second.
FUZZ_DIR     := .build-fuzz
FUZZER       := $(FUZZ_DIR)/release/lobot-fuzz
FUZZER_SMOKE := $(FUZZ_DIR)/debug/lobot-fuzz
FUZZ_ENV     := LOBOT_FUZZ=1
FUZZ_TIME    ?= 600
FUZZ_JOBS    ?= 2
FUZZ_SOURCES := $(shell find fuzz/LoBotFuzz fuzz/CFuzzer -type f 2>/dev/null)

.PHONY: all lobot factory factory-static openssl trousers libtpms deps demo demo-vtpm test test-sanitize test-only removals vm-test tamper size bench bench-smoke clean \
        fuzz fuzz-build fuzz-smoke

all: lobot factory

deps:
	@scripts/install-deps

openssl: $(OPENSSL)

$(OPENSSL): scripts/build-openssl scripts/fetch-debian-source $(wildcard third_party/openssl/*) $(wildcard third_party/openssl/patches/*.patch) | $(MUSL_INCLUDE)
	@echo "==> OpenSSL 3.0 (trimmed static libcrypto, Debian source, musl)"
	@$(MUSL_ENV) scripts/build-openssl $(OPENSSL_DIR)

$(MUSL_INCLUDE):
	@mkdir -p $@
	@for h in $(MUSL_HEADERS); do ln -sfn /usr/include/$$h $@/$$h; done
	@ln -sfn /usr/include/x86_64-linux-gnu/asm $@/asm

# A musl-include made before a header directory joined the list gets the missing link.
$(MUSL_INCLUDE)/libtpms: | $(MUSL_INCLUDE)
	@ln -sfn /usr/include/libtpms $@

libtpms: $(LIBTPMS) $(LIBTPMS_FORTIFY)

# Without its unwind tables (about 135 KB of `lobot`): nothing unwinds through libtpms (C without
# thread cancellation; Embedded Swift has no unwinding), which is why OpenSSL and TrouSerS are
# built with -fno-asynchronous-unwind-tables.
$(LIBTPMS): $(LIBTPMS_SYSTEM)
	@echo "==> libtpms (Debian's static archive, libtpms-dev $$(dpkg-query -W -f='$${Version}' libtpms-dev), without unwind tables)"
	@mkdir -p $(LIBTPMS_DIR)
	@objcopy --remove-section=.eh_frame --remove-section=.rela.eh_frame $< $@.tmp
	@mv $@.tmp $@

$(LIBTPMS_FORTIFY): third_party/libtpms/fortify.c
	@echo "==> glibc fortify entry points for libtpms on musl"
	@mkdir -p $(LIBTPMS_DIR)
	@musl-gcc -Os -Wall -Wextra -Werror -ffunction-sections -c -o $(LIBTPMS_DIR)/fortify.o $<
	@rm -f $@ && ar rcs $@ $(LIBTPMS_DIR)/fortify.o

trousers: $(TROUSERS) $(TROUSERS_MUSL)

# Compiled against the trimmed OpenSSL's headers, so it asks nothing of libcrypto that is not there.
TROUSERS_DEPS := $(OPENSSL) scripts/build-trousers scripts/fetch-debian-source third_party/trousers/source.pin \
                 $(wildcard third_party/trousers/patches/*.patch)

$(TROUSERS): $(TROUSERS_DEPS)
	@echo "==> TrouSerS 0.3.15 (static libtspi and tcsd, LoBot patches; glibc, for the tests)"
	@scripts/build-trousers $(BUILD)/trousers $(abspath $(OPENSSL_DIR))

$(TROUSERS_MUSL): $(TROUSERS_DEPS) | $(MUSL_INCLUDE)
	@echo "==> TrouSerS 0.3.15 (static libtspi and tcsd, LoBot patches; musl, for lobot)"
	@$(MUSL_ENV) scripts/build-trousers $(BUILD)/trousers-musl $(abspath $(OPENSSL_DIR))

lobot: $(LOBOT)

$(LOBOT): $(TROUSERS_MUSL) $(OPENSSL) $(LIBTPMS) $(LIBTPMS_FORTIFY) $(SOURCES_CORE) | $(MUSL_INCLUDE)/libtpms
	@echo "==> lobot (Embedded Swift, static on musl, release)"
	@mkdir -p $(BUILD) $(EMBEDDED_DIR)
	@# SwiftPM does not recompile when only flags change: start the agent's build afresh then.
	@flags=$$({ cat Package.swift; echo '$(EMBEDDED_ENV)'; } | sha256sum); \
	if [ "$$(cat $(EMBEDDED_DIR)/flags.sha256 2>/dev/null)" != "$$flags" ]; then \
		rm -rf $(EMBEDDED_DIR)/*/release $(EMBEDDED_DIR)/release $(EMBEDDED_DIR)/release.yaml $(EMBEDDED_DIR)/build.db; \
		echo "$$flags" > $(EMBEDDED_DIR)/flags.sha256; \
	fi
	@$(EMBEDDED_ENV) $(SWIFT) build -c release --scratch-path $(EMBEDDED_DIR) --product lobot
	@cp $(EMBEDDED_DIR)/release/lobot $(LOBOT_FULL)
	@strip -o $@ $(LOBOT_FULL)
	@scripts/check-static $@
	@echo "    $@: $$(stat -c %s $@) bytes stripped"

factory: $(FACTORY)

$(FACTORY): $(SOURCES_ALL)
	@echo "==> lobot-factory (debug)"
	@mkdir -p $(BUILD)
	@$(SWIFT) build --product lobot-factory
	@cp $$($(SWIFT) build --show-bin-path)/lobot-factory $@

factory-static: $(FACTORY_STATIC)

$(FACTORY_STATIC): $(SOURCES_ALL)
	@echo "==> lobot-factory as one static executable ($(FACTORY_STATIC_CONFIG))"
	@mkdir -p $(BUILD)
	@LOBOT_FACTORY_STATIC=1 $(SWIFT) build -c $(FACTORY_STATIC_CONFIG) --product lobot-factory
	@strip -o $@ $$(LOBOT_FACTORY_STATIC=1 $(SWIFT) build -c $(FACTORY_STATIC_CONFIG) --show-bin-path)/lobot-factory
	@scripts/check-static $@
	@echo "    $@: $$(stat -c %s $@) bytes stripped"

demo: deps all
	@scripts/demo-migration

demo-vtpm: deps all
	@scripts/demo-vtpm

# The tamper matrix: every receiving command of LSP and LSM given tampered copies of what it reads,
# on real platforms; fails unless each was refused with one clear line and no side effect.
# TAMPER_FLAGS=--thorough flips every byte (much longer).
define TAMPER_RUN
	@echo "==> tamper matrix ($(BUILD)/tamper/results.md)"
	@$(SWIFT) build --product lobot-tamper
	@$(TEST_ENV) $$($(SWIFT) build --show-bin-path)/lobot-tamper --out $(BUILD)/tamper $(TAMPER_FLAGS)
endef

# The test binaries link the glibc TrouSerS (LoBotPlatform's tests) and libtpms (LoBotGuestTPM's).
test: deps all factory-static $(TROUSERS) $(LIBTPMS)
	@echo "==> swift test"
	@$(TEST_ENV) $(SWIFT) test
	$(TAMPER_RUN)
	@$(MAKE) --no-print-directory size
	@$(MAKE) --no-print-directory bench-smoke
	@$(MAKE) --no-print-directory fuzz-smoke

# The suite again with AddressSanitizer on all Swift (the tests, `lobot` and `lobot-factory`, in
# the normal build: Embedded Swift and musl have no sanitizer runtime) and AddressSanitizer plus
# UndefinedBehaviorSanitizer on TrouSerS (libtspi and the tcsd `lobot` runs), compiled by the
# toolchain's clang so one runtime serves both. Swift has no UBSan on Linux; its own overflow and
# bounds checks are on in these debug builds. Skipped: the suites that need the static agent
# (an empty root, PID 1 in the VM).
SAN_DIR      := .build-sanitize
TROUSERS_SAN := $(BUILD)/trousers-sanitize/lib/libtspi.a
SAN_CFLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g
SAN_SWIFT    := --scratch-path $(SAN_DIR) --sanitize=address -Xswiftc -use-ld=lld
SAN_ENV      := LOBOT_TROUSERS_DIR=$(abspath $(dir $(TROUSERS_SAN)))
SAN_RUN_ENV  := ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0 \
                UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
                LOBOT_BIN=$(abspath $(SAN_DIR))/debug/lobot LOBOT_FACTORY_BIN=$(abspath $(SAN_DIR))/debug/lobot-factory

$(TROUSERS_SAN): $(TROUSERS_DEPS)
	@echo "==> TrouSerS 0.3.15 (ASan + UBSan, clang, for make test-sanitize)"
	@CC=clang EXTRA_CFLAGS="$(SAN_CFLAGS)" scripts/build-trousers $(BUILD)/trousers-sanitize $(abspath $(OPENSSL_DIR))

test-sanitize: deps $(TROUSERS_SAN) $(LIBTPMS)
	@echo "==> lobot and lobot-factory with sanitizers (debug, $(SAN_DIR))"
	@# SwiftPM does not relink when only libtspi.a changed: relink what links it.
	@rm -f $(SAN_DIR)/debug/lobot $(SAN_DIR)/debug/LoBotPackageTests.xctest
	@$(SAN_ENV) $(SWIFT) build $(SAN_SWIFT) --product lobot
	@$(SAN_ENV) $(SWIFT) build $(SAN_SWIFT) --product lobot-factory
	@echo "==> swift test with sanitizers"
	@$(SAN_ENV) $(SAN_RUN_ENV) $(SWIFT) test $(SAN_SWIFT) --skip 'StaticBinaryTests|VMBootTests|VMMigrationTests'

# One test (TEST_FILTER, a `swift test --filter` pattern) on what is built, rebuilding nothing else.
test-only:
	@$(TEST_ENV) $(SWIFT) test --filter '$(TEST_FILTER)'

# Takes each protection of the README's security model out in turn and checks that its test fails.
removals: deps all $(TROUSERS)
	@scripts/remove-protection $(REMOVALS)

tamper: deps all
	$(TAMPER_RUN)

vm-test: deps all $(TROUSERS)
	@echo "==> VM tests (bake, boot under qemu with a TPM 1.2, factory verdicts, LSM with LoBot_D as the VM)"
	@$(TEST_ENV) $(SWIFT) test --filter 'VMBootTests|VMMigrationTests'

# The size gate: the agent (split by origin, beside the split before issue 8 in size-baseline),
# the static factory and the LoBot image's initramfs, each against its budget in size-budgets.
size: lobot factory factory-static
	@rm -rf $(SIZE_IMAGE) && mkdir -p $(SIZE_IMAGE)
	@$(FACTORY) init --factory $(SIZE_IMAGE)/factory > /dev/null
	@$(FACTORY) bake --factory $(SIZE_IMAGE)/factory --agent $(LOBOT) --out $(SIZE_IMAGE)/image > /dev/null
	@status=0; \
	scripts/size-report $(LOBOT) $(LOBOT_MAP) || status=1; \
	scripts/size-report --file lobot-factory $(FACTORY_STATIC) || status=1; \
	scripts/size-report --file initramfs $(SIZE_IMAGE)/image/initrd.img || status=1; \
	exit $$status

# The benchmarks (bench/LoBotBench), release builds: every suite at full size into bench/results.md
# (committed: the README quotes it) and bench/results.json; BENCH_SUITES="--suite NAME" runs some.
bench: deps all
	@echo "==> benchmarks (bench/results.md)"
	@$(SWIFT) build -c release --product lobot-bench
	@$(SWIFT) build -c release --product lobot-factory
	@LOBOT_BIN=$(abspath $(LOBOT)) LOBOT_FACTORY_BIN=$$($(SWIFT) build -c release --show-bin-path)/lobot-factory \
	    $$($(SWIFT) build -c release --show-bin-path)/lobot-bench --out bench $(BENCH_SUITES)

# Every suite at its smallest size, a few repetitions, on the debug builds the tests use (minutes):
# the step of `make test` that fails when a suite no longer runs. Its figures (build/bench-smoke)
# are not the benchmark's.
bench-smoke: lobot factory
	@echo "==> bench smoke: every suite, smallest sizes (build/bench-smoke/results.md)"
	@$(SWIFT) build --product lobot-bench
	@rm -rf $(BUILD)/bench-smoke
	@$(TEST_ENV) $$($(SWIFT) build --show-bin-path)/lobot-bench --smoke --out $(BUILD)/bench-smoke

# Every fuzz target for FUZZ_TIME seconds, FUZZ_JOBS at a time (scripts/fuzz); figures in
# build/fuzz/results.md, crashing inputs kept in build/fuzz/artifacts. fuzz-smoke is the short
# run `make test` ends with.
fuzz-build: $(FUZZER)

# ld.gold warns once per Swift symbol libFuzzer's export list names ("Cannot export local symbol"): harmless, filtered.
$(FUZZ_DIR)/%/lobot-fuzz: $(TROUSERS) $(SOURCES_ALL) $(FUZZ_SOURCES)
	@echo "==> lobot-fuzz (libFuzzer + ASan, $*)"
	@mkdir -p $(BUILD)/fuzz
	@status=0; $(FUZZ_ENV) $(SWIFT) build -c $* --scratch-path $(FUZZ_DIR) --product lobot-fuzz > $(BUILD)/fuzz/build-$*.log 2>&1 || status=$$?; \
	grep -v "Cannot export local symbol" $(BUILD)/fuzz/build-$*.log | tail -40; exit $$status

fuzz: deps fuzz-build
	@echo "==> fuzz: every target $(FUZZ_TIME) s"
	@scripts/fuzz --time $(FUZZ_TIME) --jobs $(FUZZ_JOBS) --binary $(FUZZER)

fuzz-smoke: deps $(FUZZER_SMOKE)
	@echo "==> fuzz smoke: every target 20 s (debug build)"
	@scripts/fuzz --time 20 --jobs 2 --binary $(FUZZER_SMOKE)

clean:
	rm -rf $(BUILD) $(EMBEDDED_DIR) $(SAN_DIR) $(FUZZ_DIR) .build bench/work
