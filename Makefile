# pkgguard — build, test, lint, bench. See README.md.
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= gcc
BUILD ?= build

# The sandbox links only what it uses: every shared library is start-up cost
# (it starts once per script). guard/ adds json-c for package.json and
# lockfiles.
PKGS := libseccomp libcap-ng libconfig
GUARD_PKGS := json-c
DAEMON_PKGS := libsystemd
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -I$(BUILD)/gen \
	-DPKGGUARD_PREFIX='"$(PREFIX)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
GUARD_LIBS = $(shell pkg-config --libs $(GUARD_PKGS) 2>/dev/null)
DAEMON_LIBS = $(shell pkg-config --libs $(DAEMON_PKGS) 2>/dev/null)

LIB_SRCS := $(filter-out sandbox/main.c,$(wildcard sandbox/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libpkgguard.a
# Programs' main files stay out of the guard library.
GUARD_MAINS := guard/main.c guard/pkgguardd.c
GUARD_SRCS := $(filter-out $(GUARD_MAINS),$(wildcard guard/*.c))
GUARD_OBJS := $(GUARD_SRCS:%.c=$(BUILD)/%.o)
GUARD_LIB := $(BUILD)/libpkgguard-guard.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
PROBE_SRCS := $(wildcard tests/probes/*.c)
PROBE_BINS := $(PROBE_SRCS:tests/probes/%.c=$(BUILD)/tests/%)

PROGRAMS := $(BUILD)/pkgguard-sandbox $(BUILD)/pkgguard $(if $(wildcard guard/pkgguardd.c),$(BUILD)/pkgguardd)

.PHONY: all deps check unit-tests test-bins asan lint bench demo clean install
all: deps
	@$(MAKE) --no-print-directory $(PROGRAMS)

deps:
	@sh scripts/deps.sh

$(BUILD)/%.o: %.c $(wildcard sandbox/*.h guard/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isandbox -Iguard -c $< -o $@

# The base seccomp filter, compiled by libseccomp at build time (see
# tools/gen_seccomp.c); the generator links only what it needs.
GEN_SECCOMP := $(BUILD)/gen/seccomp_prebuilt.inc
$(BUILD)/gen-seccomp: tools/gen_seccomp.c $(BUILD)/sandbox/seccomp_filter.o $(BUILD)/sandbox/log.o
	$(CC) $(ALL_CFLAGS) -Isandbox $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)
$(GEN_SECCOMP): $(BUILD)/gen-seccomp
	@mkdir -p $(dir $@)
	$< > $@.tmp && mv $@.tmp $@
$(BUILD)/sandbox/seccomp_prebuilt.o: $(GEN_SECCOMP)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/pkgguard-sandbox: $(BUILD)/sandbox/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(GUARD_LIB): $(GUARD_OBJS)
	@rm -f $@
	ar rcs $@ $^

# guard/ links the engine; sandbox/ never includes anything from guard/.
$(BUILD)/pkgguard: $(BUILD)/guard/main.o $(GUARD_LIB) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(GUARD_LIBS) $(DAEMON_LIBS) $(LDLIBS_ALL)

$(BUILD)/pkgguardd: $(BUILD)/guard/pkgguardd.o $(GUARD_LIB) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(GUARD_LIBS) $(DAEMON_LIBS) $(LDLIBS_ALL)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(GUARD_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isandbox -Iguard $(LDFLAGS) -o $@ $< $(GUARD_LIB) $(LIB) $(GUARD_LIBS) $(DAEMON_LIBS) $(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

# Probes are built without sanitizers: they run inside the sandbox, where
# ASan's runtime would itself trip over the refused syscalls.
$(BUILD)/tests/%: tests/probes/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g -o $@ $<

test-bins: $(PROGRAMS) $(UNIT_BINS) $(PROBE_BINS)

check: deps
	@$(MAKE) --no-print-directory test-bins
	@BUILD=$(BUILD) sh tests/run-all.sh

unit-tests: deps
	@$(MAKE) --no-print-directory $(UNIT_BINS)
	@BUILD=$(BUILD) ONLY=unit sh tests/run-all.sh

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan CC=$(CC) \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" test-bins
	@BUILD=build-asan ASAN=1 sh tests/run-all.sh

lint: deps
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -D_GNU_SOURCE -Isandbox -Iguard \
		--suppress=missingIncludeSystem sandbox guard tools tests/unit tests/probes

bench: all
	@sh tests/bench.sh $(BUILD)
	@if [ -f tests/bench_install.sh ]; then sh tests/bench_install.sh $(BUILD); fi

# The main job, shown: an axios-style dropper contained, a native addon built.
demo: all
	@sh tests/demo/run-demo.sh $(BUILD)

clean:
	rm -rf build build-asan

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/pkgguard/profiles
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 profiles/*.conf $(DESTDIR)$(PREFIX)/share/pkgguard/profiles/
