# pkgguard — build, test, lint, bench. See README.md.
PREFIX ?= /usr/local
DESTDIR ?=
# Install layout. pkgguard, pkgguardd and pkgguard-sandbox all go to BINDIR,
# together: the CLI (run, enable) hands npm the pkgguard-sandbox next to
# itself, and the daemon trusts only the pkgguard-sandbox next to itself (by
# device and inode, docs/ARCHITECTURE.md), so they must be the very same file. pkgguardd
# in sbin would need a second sandbox there, which the daemon would refuse.
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
# systemd's own directories, not under PREFIX (Debian 12's values of
# `pkg-config systemd --variable=systemdsystemunitdir|tmpfilesdir`); the
# daemon reads /etc/pkgguard whatever PREFIX is.
UNITDIR ?= /lib/systemd/system
TMPFILESDIR ?= /usr/lib/tmpfiles.d
SYSCONFDIR ?= /etc
# pkgguard-sandbox's AppArmor profile (userns where AppArmor restricts it):
# always into a DESTDIR (a package decides at its own install); without one,
# only where the kernel's AppArmor mediates user namespaces (the switch
# kernel.apparmor_restrict_unprivileged_userns exists): elsewhere (Debian
# 12's AppArmor 3) the parser does not know the `userns` rule, and a profile
# it cannot parse would fail every reload of AppArmor's profiles.
APPARMORDIR ?= /etc/apparmor.d
AA_USERNS_SWITCH := /proc/sys/kernel/apparmor_restrict_unprivileged_userns
CC ?= gcc
BUILD ?= build

# The sandbox links only what it uses: every shared library is start-up cost
# (it starts once per script). guard/ adds json-c for package.json and
# lockfiles, libyaml for pnpm-workspace.yaml. The sandbox reads package.json
# and lockfiles too (sandbox/pkg_identity.c, only when a per-package
# override matches): json-c is linked statically there, which measured no
# start-up cost where the shared library adds a dynamic load per script.
PKGS := libseccomp libcap-ng libconfig
CLI_PKGS := json-c yaml-0.1
DAEMON_PKGS := json-c libsystemd
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -I$(BUILD)/gen \
	-DPKGGUARD_PREFIX='"$(PREFIX)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
SANDBOX_LIBS = -Wl,-Bstatic $(shell pkg-config --libs json-c 2>/dev/null) -Wl,-Bdynamic
CLI_LIBS = $(shell pkg-config --libs $(CLI_PKGS) 2>/dev/null)
DAEMON_LIBS = $(shell pkg-config --libs $(DAEMON_PKGS) 2>/dev/null)

# Four archives: common/ (log, root-relative paths, self path, control
# protocol), the sandbox engine, the CLI and the daemon. Each program links
# its own; sandbox/ is compiled without guard/ on its include path, so it
# cannot include anything from there.
COMMON_SRCS := $(wildcard common/*.c)
COMMON_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/%.o)
COMMON_LIB := $(BUILD)/libpkgguard-common.a
LIB_SRCS := $(filter-out sandbox/main.c,$(wildcard sandbox/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libpkgguard.a
CLI_SRCS := $(filter-out guard/cli/main.c,$(wildcard guard/cli/*.c))
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
CLI_LIB := $(BUILD)/libpkgguard-cli.a
DAEMON_SRCS := $(filter-out guard/daemon/pkgguardd.c,$(wildcard guard/daemon/*.c guard/daemon/reparse/*.c))
DAEMON_OBJS := $(DAEMON_SRCS:%.c=$(BUILD)/%.o)
DAEMON_LIB := $(BUILD)/libpkgguard-daemon.a

COMMON_INC := -Icommon
SANDBOX_INC := $(COMMON_INC) -Isandbox
CLI_INC := $(SANDBOX_INC) -Iguard/cli
DAEMON_INC := $(SANDBOX_INC) -Iguard/daemon -Iguard/daemon/reparse
TEST_INC := $(SANDBOX_INC) -Iguard/cli -Iguard/daemon -Iguard/daemon/reparse

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
PROBE_SRCS := $(wildcard tests/probes/*.c)
PROBE_BINS := $(PROBE_SRCS:tests/probes/%.c=$(BUILD)/tests/%)

PROGRAMS := $(BUILD)/pkgguard-sandbox $(BUILD)/pkgguard $(BUILD)/pkgguardd

# libFuzzer targets (tests/fuzz/fuzz_NAME.c, seeds in tests/fuzz/corpus/NAME):
# built by clang with ASan and UBSan into their own tree, every object
# instrumented for coverage. `make fuzz` fuzzes each for FUZZ_SECONDS;
# `make check` runs each over its corpus once (tests/fuzz/run.sh).
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SANITIZE := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps test-deps check unit-tests test-bins fuzz fuzz-bins asan lint bench demo clean install uninstall deb FORCE
all: deps
	@$(MAKE) --no-print-directory $(PROGRAMS)

# Two tiers (scripts/deps.sh): `make` needs only the build dependencies;
# check, lint, fuzz and bench bring in the test dependencies too.
deps:
	@sh scripts/deps.sh build
test-deps:
	@sh scripts/deps.sh test

# PREFIX is compiled in (the installed profile directory): a change of
# PREFIX rebuilds, so `make install PREFIX=/usr` never installs binaries that
# look for their profiles under another prefix.
$(BUILD)/prefix.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
FORCE:

# Header dependencies come from the compiler (-MMD -MP): an object is rebuilt
# when a header it really includes changes, and a removed header is no error.
DEPFLAGS = -MMD -MP
$(BUILD)/common/%.o: common/%.c $(BUILD)/prefix.stamp
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(COMMON_INC) -c $< -o $@
$(BUILD)/sandbox/%.o: sandbox/%.c $(BUILD)/prefix.stamp
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(SANDBOX_INC) -c $< -o $@
$(BUILD)/guard/cli/%.o: guard/cli/%.c $(BUILD)/prefix.stamp
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(CLI_INC) -c $< -o $@
$(BUILD)/guard/daemon/%.o: guard/daemon/%.c $(BUILD)/prefix.stamp
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(DAEMON_INC) -c $< -o $@

# The base seccomp filter, compiled by libseccomp at build time (see
# tools/gen_seccomp.c); the generator links only what it needs.
GEN_SECCOMP := $(BUILD)/gen/seccomp_prebuilt.inc
$(BUILD)/gen-seccomp: tools/gen_seccomp.c $(BUILD)/sandbox/seccomp_filter.o $(BUILD)/common/log.o
	$(CC) $(ALL_CFLAGS) $(SANDBOX_INC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)
$(GEN_SECCOMP): $(BUILD)/gen-seccomp
	@mkdir -p $(dir $@)
	$< > $@.tmp && mv $@.tmp $@
$(BUILD)/sandbox/seccomp_prebuilt.o: $(GEN_SECCOMP)

$(COMMON_LIB): $(COMMON_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(CLI_LIB): $(CLI_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(DAEMON_LIB): $(DAEMON_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/pkgguard-sandbox: $(BUILD)/sandbox/main.o $(LIB) $(COMMON_LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(SANDBOX_LIBS) $(LDLIBS_ALL)

# The CLI parses package.json, lockfiles (json-c) and pnpm-workspace.yaml
# (libyaml); the daemon answers its control socket in JSON and logs to the
# journal (libsystemd). Neither links what only the other uses.
$(BUILD)/pkgguard: $(BUILD)/guard/cli/main.o $(CLI_LIB) $(LIB) $(COMMON_LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CLI_LIBS) $(LDLIBS_ALL)

$(BUILD)/pkgguardd: $(BUILD)/guard/daemon/pkgguardd.o $(DAEMON_LIB) $(LIB) $(COMMON_LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DAEMON_LIBS) $(LDLIBS_ALL)

TEST_ARCHIVES := $(CLI_LIB) $(DAEMON_LIB) $(LIB) $(COMMON_LIB)
$(BUILD)/tests/test_%: tests/unit/test_%.c $(TEST_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -MF $@.d $(TEST_INC) $(LDFLAGS) -o $@ $< $(TEST_ARCHIVES) $(CLI_LIBS) $(DAEMON_LIBS) $(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

# Probes are built without sanitizers: they run inside the sandbox, where
# ASan's runtime would itself trip over the refused syscalls.
$(BUILD)/tests/%: tests/probes/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g -o $@ $<

test-bins: $(PROGRAMS) $(UNIT_BINS) $(PROBE_BINS)

# One fuzz target: the test-archives' objects were compiled with coverage
# (fuzz-bins passes FUZZ_SANITIZE as EXTRA_CFLAGS); this link adds libFuzzer.
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(TEST_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(DEPFLAGS) -MF $@.d $(TEST_INC) $(LDFLAGS) -o $@ $< $(TEST_ARCHIVES) $(CLI_LIBS) $(DAEMON_LIBS) $(LDLIBS_ALL)

# The fuzz targets, or (without clang's fuzzer runtime, libclang-rt-14-dev)
# a note saying why not, which tests/fuzz/run.sh reports as a skip.
fuzz-bins:
	@mkdir -p $(FUZZ_BUILD)/fuzz
	@rm -f $(FUZZ_BUILD)/fuzz/UNAVAILABLE
	@if printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; return (int)n * 0; }\n' | \
		$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -x c - -o $(FUZZ_BUILD)/fuzz/probe >/dev/null 2>&1; then \
		rm -f $(FUZZ_BUILD)/fuzz/probe; \
		$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="-O1 -g" \
			EXTRA_CFLAGS="$(FUZZ_SANITIZE)" LDFLAGS="-fsanitize=address,undefined" \
			$(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/fuzz/%); \
	else \
		echo "$(FUZZ_CC) cannot link -fsanitize=fuzzer (clang's fuzzer runtime, Debian package libclang-rt-14-dev, is missing)" \
			> $(FUZZ_BUILD)/fuzz/UNAVAILABLE; \
		echo "fuzz: $$(cat $(FUZZ_BUILD)/fuzz/UNAVAILABLE)" >&2; \
	fi

# Each target FUZZ_SECONDS (default 60) from its seed corpus; what it finds
# is kept in $(FUZZ_BUILD)/corpus and $(FUZZ_BUILD)/crashes (README).
fuzz: test-deps
	@$(MAKE) --no-print-directory fuzz-bins
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh fuzz

check: test-deps
	@$(MAKE) --no-print-directory test-bins fuzz-bins
	@BUILD=$(BUILD) FUZZ_BUILD=$(FUZZ_BUILD) sh tests/run-all.sh

unit-tests: test-deps
	@$(MAKE) --no-print-directory $(UNIT_BINS)
	@BUILD=$(BUILD) ONLY=unit sh tests/run-all.sh

asan: test-deps
	@$(MAKE) --no-print-directory BUILD=build-asan CC=$(CC) \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" test-bins
	@BUILD=build-asan ASAN=1 sh tests/run-all.sh

# Shell: every script of the build and the tests, errors and warnings.
SHELL_SCRIPTS := $(wildcard scripts/*.sh tests/*.sh tests/integration/*.sh tests/bench/*.sh \
	tests/fuzz/*.sh tests/demo/*.sh tests/fixtures/*.sh)

# cppcheck, shellcheck, and the whole tree built once more with clang
# (-Werror: a warning of either compiler fails the lint) in build-clang.
lint: test-deps
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -D_GNU_SOURCE $(TEST_INC) \
		--suppress=missingIncludeSystem common sandbox guard tools tests/unit tests/probes tests/fuzz
	shellcheck -s sh -S warning $(SHELL_SCRIPTS)
	@$(MAKE) --no-print-directory BUILD=build-clang CC=clang test-bins

bench: test-deps all $(BUILD)/tests/fanotify_floor
	@sh tests/bench/startup.sh $(BUILD)
	@sh tests/bench/install.sh $(BUILD)
	@sh tests/bench/exec.sh $(BUILD)

# The main job, shown: an axios-style dropper contained, a native addon built.
demo: all
	@sh tests/demo/run-demo.sh $(BUILD)

clean:
	rm -rf build build-asan build-clang $(FUZZ_BUILD)

# The Debian package (debian/, debhelper) in $(BUILD)/deb/: built from a copy
# of the tree, reused while the sources are unchanged.
deb: test-deps
	@sh scripts/make-deb.sh $(BUILD)/deb

# Everything under $(DESTDIR); the unit's ExecStart names $(BINDIR). The
# daemon's config is installed only when absent: an admin's edits stay.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/pkgguard/profiles \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(SYSCONFDIR)/pkgguard \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 0644 profiles/*.conf $(DESTDIR)$(DATADIR)/pkgguard/profiles/
	sed -e 's|/usr/local/bin/|$(BINDIR)/|g' systemd/pkgguardd.service > $(DESTDIR)$(UNITDIR)/pkgguardd.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/pkgguardd.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/pkgguardd.service.tmp $(DESTDIR)$(UNITDIR)/pkgguardd.service
	install -m 0644 systemd/pkgguard.tmpfiles $(DESTDIR)$(TMPFILESDIR)/pkgguard.conf
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/pkgguard/pkgguardd.conf ]; then \
		echo "install: keeping $(DESTDIR)$(SYSCONFDIR)/pkgguard/pkgguardd.conf (new defaults: systemd/pkgguardd.conf)"; \
	else \
		echo "install -m 0644 systemd/pkgguardd.conf $(DESTDIR)$(SYSCONFDIR)/pkgguard/pkgguardd.conf"; \
		install -m 0644 systemd/pkgguardd.conf $(DESTDIR)$(SYSCONFDIR)/pkgguard/pkgguardd.conf; \
	fi
	install -m 0644 man/pkgguard.1 man/pkgguard-sandbox.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/pkgguard.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/pkgguardd.8 $(DESTDIR)$(MANDIR)/man8/
	@if [ -n "$(DESTDIR)" ] || [ -e $(AA_USERNS_SWITCH) ]; then \
		echo "install apparmor/pkgguard-sandbox $(DESTDIR)$(APPARMORDIR)/pkgguard-sandbox"; \
		install -d $(DESTDIR)$(APPARMORDIR) && \
		sed -e 's|/usr/local/bin/|$(BINDIR)/|g' apparmor/pkgguard-sandbox > $(DESTDIR)$(APPARMORDIR)/pkgguard-sandbox.tmp && \
		chmod 0644 $(DESTDIR)$(APPARMORDIR)/pkgguard-sandbox.tmp && \
		mv -f $(DESTDIR)$(APPARMORDIR)/pkgguard-sandbox.tmp $(DESTDIR)$(APPARMORDIR)/pkgguard-sandbox; \
	else \
		echo "install: no AppArmor profile (this kernel's AppArmor does not restrict user namespaces)"; \
	fi
	@if [ -z "$(DESTDIR)" ] && [ -e $(AA_USERNS_SWITCH) ] && [ -r /sys/kernel/security/apparmor/profiles ] && \
		command -v apparmor_parser >/dev/null; then \
		echo "apparmor_parser -r $(APPARMORDIR)/pkgguard-sandbox"; \
		apparmor_parser -r $(APPARMORDIR)/pkgguard-sandbox; \
	fi

# Removes exactly what install put, by name (files of this tree's lists,
# never a glob of the installed directories): an admin's drop-ins in
# /etc/pkgguard/profiles.d stay, and so does pkgguardd.conf when it differs
# from the shipped defaults. Directories are removed only when they are
# pkgguard's own and empty.
INSTALLED_PROFILES = $(notdir $(wildcard profiles/*.conf))
uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGRAMS)))
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/pkgguard/profiles/,$(INSTALLED_PROFILES))
	-rmdir $(DESTDIR)$(DATADIR)/pkgguard/profiles $(DESTDIR)$(DATADIR)/pkgguard 2>/dev/null
	rm -f $(DESTDIR)$(UNITDIR)/pkgguardd.service $(DESTDIR)$(TMPFILESDIR)/pkgguard.conf
	@if [ -z "$(DESTDIR)" ] && grep -q '^pkgguard-sandbox ' /sys/kernel/security/apparmor/profiles 2>/dev/null && \
		[ -f $(APPARMORDIR)/pkgguard-sandbox ]; then \
		echo "apparmor_parser -R $(APPARMORDIR)/pkgguard-sandbox"; \
		apparmor_parser -R $(APPARMORDIR)/pkgguard-sandbox; \
	fi
	rm -f $(DESTDIR)$(APPARMORDIR)/pkgguard-sandbox
	rm -f $(DESTDIR)$(MANDIR)/man1/pkgguard.1 $(DESTDIR)$(MANDIR)/man1/pkgguard-sandbox.1 \
		$(DESTDIR)$(MANDIR)/man5/pkgguard.conf.5 $(DESTDIR)$(MANDIR)/man8/pkgguardd.8
	@conf=$(DESTDIR)$(SYSCONFDIR)/pkgguard/pkgguardd.conf; \
	if [ -e "$$conf" ] && ! cmp -s systemd/pkgguardd.conf "$$conf"; then \
		echo "uninstall: keeping $$conf (edited: it differs from systemd/pkgguardd.conf)"; \
	else \
		echo "rm -f $$conf"; rm -f "$$conf"; \
	fi
	@if [ -d $(DESTDIR)$(SYSCONFDIR)/pkgguard ] && ! rmdir $(DESTDIR)$(SYSCONFDIR)/pkgguard 2>/dev/null; then \
		echo "uninstall: keeping $(DESTDIR)$(SYSCONFDIR)/pkgguard (not empty: an admin's files)"; \
	fi

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
