# apicheck — GNU make, pkg-config, C17.
#
#   make            build build/apicheck
#   make run        install what is missing, build, run the main job
#   make test       install, build, run every test, then all again under ASan+UBSan
#   make check      run the tests of one build (BUILD=… SAN=1 selects a variant)
#   make fuzz       run every libFuzzer target for FUZZ_TIME seconds
#   make bench      benchmarks (bench/RESULTS.md)
#
# Variants live in their own build directories so they never mix objects:
# BUILD=build (default), build/asan (SAN=1), build/fuzz (FUZZ=1, clang-14).

BUILD ?= build
SAN ?=
FUZZ ?=
FUZZ_TIME ?= 60

PKGS := xlsxwriter libzip expat jansson libsodium sqlite3 libpq libmicrohttpd nettle
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wno-format-nonliteral -Wvla
CFLAGS ?= -O2 -g
BASE_CFLAGS := -std=c17 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -Isrc $(WARN) -MMD -MP
LDLIBS := $(PKG_LIBS) -lpthread

ifeq ($(SAN),1)
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1)
CC := clang-14
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
endif

ALL_CFLAGS = $(BASE_CFLAGS) $(PKG_CFLAGS) $(CFLAGS)

LIB_SRC := $(shell find src -name '*.c' -not -path 'src/cli/*' | sort)
LIB_ASM := $(shell find src -name '*.S' | sort)
CLI_SRC := $(shell find src/cli -name '*.c' | sort)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(LIB_ASM:%.S=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libapicheck.a
BIN := $(BUILD)/apicheck

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPER_SRC := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJ := $(UNIT_HELPER_SRC:%.c=$(BUILD)/obj/%.o)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/bin/%)

.SECONDARY:
.PHONY: all run test check unit-tests deps fuzz fuzz-build fuzz-replay bench bench-bin clean
all: $(BIN)

deps:
	@scripts/install-deps

# Data files embedded in the binary (see src/formats/builtin_data.S).
$(BUILD)/obj/src/formats/builtin_data.o: $(wildcard data/*.json)
$(BUILD)/obj/src/web/static_data.o: $(wildcard src/web/static/*) $(wildcard docs/openapi.yaml)
$(BUILD)/obj/src/db/schema.o: $(wildcard src/db/schema/*/*.sql)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HELPER_OBJ) $(LIB)
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(UNIT_HELPER_OBJ) $(LIB) $(LDLIBS) $(CMOCKA_LIBS)

unit-tests: $(UNIT_BIN)

check: $(BIN) $(UNIT_BIN)
	@BUILD=$(BUILD) SAN=$(SAN) tests/run-all

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-main $(BIN)

test: deps
	@$(MAKE) --no-print-directory all unit-tests
	@$(MAKE) --no-print-directory fuzz-build
	@BUILD=build tests/run-all
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 all unit-tests
	@BUILD=build/asan SAN=1 tests/run-all

# libFuzzer targets: always built with clang-14 into build/fuzz.
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build/fuzz FUZZ=1 build/fuzz/libapicheck.a $(FUZZ_BIN)

build/fuzz/bin/%: tests/fuzz/%.c tests/fuzz/fuzz_util.h build/fuzz/libapicheck.a
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	@clang-14 $(BASE_CFLAGS) $(PKG_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    -o $@ $< build/fuzz/libapicheck.a $(LDLIBS)

fuzz: fuzz-build
	@for f in $(FUZZ_BIN); do \
	    name=$${f##*/}; mkdir -p build/fuzz/work/$$name; \
	    echo "fuzz: $$name for $(FUZZ_TIME)s"; \
	    $$f -max_total_time=$(FUZZ_TIME) -max_len=262144 -timeout=10 \
	        build/fuzz/work/$$name tests/fuzz/corpus/$$name || exit 1; \
	done

bench:
	@bench/run

# Load and soak (tests/load/soak.sh): 500 keep-alive connections for 60 s of
# mixed API reads and writes; not part of make test.
.PHONY: soak
soak: $(BIN)
	@BIN=$(abspath $(BIN)) tests/load/soak.sh

# The benchmark programs (bench/*.c), linked against the library.
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))
bench-bin: $(BENCH_BIN)
$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(@D)
	@echo "  BENCH   $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
