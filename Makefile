# Régie: one non-recursive Makefile. `make` builds regied, regie and
# libregie.a; `make check` runs every test against a throwaway PostgreSQL.

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SHAREDIR   ?= $(PREFIX)/share/regie

CC         ?= cc
# `make V=1` shows the whole commands.
V          ?= 0
ifeq ($(V),0)
Q          := @
say         = printf '  %-5s %s\n' $(1) $(2);
else
Q          :=
say         =
endif
PKG_CONFIG ?= pkg-config
SANITIZE   ?=
# A sanitizer build lives apart, so switching never mixes objects:
# build/ and the binaries at the top for the normal build, build-san/
# (binaries inside it) for SANITIZE=...
B          ?= $(if $(SANITIZE),build-san,build)
BIN        := $(if $(filter build,$(B)),.,$(B))

# Debian 12 names msgpack-c's pkg-config file msgpack; later ones msgpack-c.
PKG_MSGPACK := $(shell $(PKG_CONFIG) --exists msgpack-c 2>/dev/null && echo msgpack-c || echo msgpack)
PKGS_LIB   := $(PKG_MSGPACK) libevent libevent_pthreads
PKGS_SRV   := $(PKGS_LIB) libpq libsodium
PKGS_TUI   := $(PKGS_LIB) ncursesw
PKGS_TEST  := cmocka

pc_cflags   = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pc_libs     = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

WARN       := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
              -Wmissing-prototypes -Wformat=2 -Wvla -Wno-unused-parameter
CFLAGS     ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) -Ilib -I$(B) \
              -I/usr/include/postgresql -MMD -MP
LDFLAGS    ?=
ALL_LDFLAGS := -pthread $(LDFLAGS)
ifneq ($(SANITIZE),)
ALL_CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Plain `make` builds the programs, whatever rule comes first below.
.DEFAULT_GOAL := all

# A change of flags (SANITIZE=..., CFLAGS=...) rebuilds everything, so
# objects built differently never end up in one binary.
FLAGS_STAMP := $(B)/.flags-$(shell echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cksum | cut -d' ' -f1)
$(FLAGS_STAMP):
	@mkdir -p $(B)
	@rm -f $(B)/.flags-*
	@touch $@

LIB_SRC    := $(sort $(wildcard lib/*.c))
SRV_SRC    := $(sort $(wildcard serverd/*.c))
TUI_SRC    := $(sort $(wildcard tui/*.c))
MIGRATIONS := $(sort $(wildcard sql/migrations/*.sql))

LIB_OBJ    := $(LIB_SRC:%.c=$(B)/%.o)
SRV_OBJ    := $(SRV_SRC:%.c=$(B)/%.o) $(B)/migrations.o
SRV_CORE   := $(filter-out $(B)/serverd/main.o,$(SRV_OBJ))
TUI_OBJ    := $(TUI_SRC:%.c=$(B)/%.o)
TUI_CORE   := $(filter-out $(B)/tui/main.o,$(TUI_OBJ))

UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
ITEST_SRC  := $(sort $(wildcard tests/integration/it_*.c))
ITEST_BIN  := $(ITEST_SRC:tests/integration/%.c=$(B)/tests/%)
HARNESS_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard tests/harness/*.c))

.PHONY: all deps check tests unit integration tui-test mancheck memcheck demo demo-stop install clean \
        fuzz fuzz-build fuzz-corpus bench
# Keep test objects: they are not throwaway intermediates.
.SECONDARY:
all: $(BIN)/regied $(BIN)/regie $(BIN)/libregie.a

deps:
	@sh tools/deps.sh

$(BIN)/libregie.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)$(call say,AR,$@)ar rcs $@ $^

$(BIN)/regied: $(SRV_OBJ) $(BIN)/libregie.a
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(SRV_OBJ) $(BIN)/libregie.a $(call pc_libs,$(PKGS_SRV))

$(BIN)/regie: $(TUI_OBJ) $(BIN)/libregie.a
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(TUI_OBJ) $(BIN)/libregie.a $(call pc_libs,$(PKGS_TUI))

$(B)/lib/%.o: lib/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(call pc_cflags,$(PKGS_LIB)) -c -o $@ $<
$(B)/serverd/%.o: serverd/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Iserverd $(call pc_cflags,$(PKGS_SRV)) -c -o $@ $<
$(B)/tui/%.o: tui/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Itui $(call pc_cflags,$(PKGS_TUI)) -c -o $@ $<
$(B)/tests/%.o: tests/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Iserverd -Itui -Itests/harness $(call pc_cflags,$(PKGS_SRV) $(PKGS_TUI) $(PKGS_TEST)) -c -o $@ $<

# The migrations are compiled into regied, so that it knows exactly which
# schema it speaks and can refuse a database that is ahead of it.
$(B)/tools/sql2c: tools/sql2c.c
	@mkdir -p $(@D)
	$(CC) -std=c17 -O1 -Wall -Wextra -Werror -o $@ $<
$(B)/migrations.c: $(MIGRATIONS) $(B)/tools/sql2c
	$(B)/tools/sql2c $(MIGRATIONS) > $@.tmp && mv $@.tmp $@
$(B)/migrations.o: $(B)/migrations.c $(FLAGS_STAMP)
	$(Q)$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Iserverd -c -o $@ $<

# Unit tests need no database. test_lib_* link the library alone,
# test_srv_* the server core too (minus main), test_tui_* the client core.
$(B)/tests/test_lib_%: $(B)/tests/unit/test_lib_%.o $(BIN)/libregie.a
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(BIN)/libregie.a $(call pc_libs,$(PKGS_LIB) $(PKGS_TEST))
$(B)/tests/test_srv_%: $(B)/tests/unit/test_srv_%.o $(SRV_CORE) $(BIN)/libregie.a
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(SRV_CORE) $(BIN)/libregie.a \
	    $(call pc_libs,$(PKGS_SRV) $(PKGS_TEST))
$(B)/tests/test_tui_%: $(B)/tests/unit/test_tui_%.o $(TUI_CORE) $(BIN)/libregie.a
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TUI_CORE) $(BIN)/libregie.a \
	    $(call pc_libs,$(PKGS_TUI) $(PKGS_TEST))
$(B)/tests/it_%: $(B)/tests/integration/it_%.o $(HARNESS_OBJ) $(BIN)/libregie.a
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(HARNESS_OBJ) $(BIN)/libregie.a \
	    $(call pc_libs,$(PKGS_SRV) $(PKGS_TEST))

# Small tools the tests drive (rcall: one call from the command line).
TOOL_SRC   := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN   := $(TOOL_SRC:tests/tools/%.c=$(B)/tests/tools/%)
$(B)/tests/tools/%: $(B)/tests/tools/%.o $(BIN)/libregie.a
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(BIN)/libregie.a $(call pc_libs,$(PKGS_LIB))

# The load generator for make bench (tests/bench/run.sh drives it).
BENCH_SRC  := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN  := $(BENCH_SRC:tests/bench/%.c=$(B)/tests/bench/%)
$(B)/tests/bench/%: $(B)/tests/bench/%.o $(BIN)/libregie.a
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(BIN)/libregie.a $(call pc_libs,$(PKGS_LIB))

# tests/run.sh finds the binaries of this build through these.
RUN_ENV    := REGIE_BUILD=$(B) REGIE_BIN_DIR=$(abspath $(BIN))

check: deps
	@$(MAKE) --no-print-directory all tests
	@$(RUN_ENV) sh tests/run.sh

tests: $(UNIT_BIN) $(ITEST_BIN) $(TOOL_BIN) $(BENCH_BIN)

# Benchmarks through regied against pgbench on the same data (minutes;
# never part of check). BENCH_OPTS: see tests/bench/run.sh -h.
bench: deps
	@$(MAKE) --no-print-directory all $(TOOL_BIN) $(BENCH_BIN)
	@$(RUN_ENV) sh tests/bench/run.sh $(BENCH_OPTS)

unit: $(UNIT_BIN)
	@$(RUN_ENV) sh tests/run.sh unit

integration: all $(ITEST_BIN) $(TOOL_BIN)
	@$(RUN_ENV) sh tests/run.sh integration

tui-test: all $(TOOL_BIN)
	@$(RUN_ENV) sh tests/run.sh tui

# Every test program and every regied under valgrind (slow: minutes).
memcheck: all tests
	@$(RUN_ENV) sh tools/memcheck.sh

mancheck: all $(TOOL_BIN)
	@$(RUN_ENV) sh tests/run.sh man

# Fuzzing: libFuzzer targets (tests/fuzz/fuzz_*.c), built by clang with
# ASan and UBSan in build-fuzz/, apart from every other build, and run for
# FUZZ_SECONDS each from their corpus (tests/fuzz/run.sh). Not part of
# check: only this needs clang and its libFuzzer runtime.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))

fuzz-build:
	@FUZZ_CC=$(FUZZ_CC) sh tools/deps.sh fuzz
	@$(MAKE) --no-print-directory B=build-fuzz CC=$(FUZZ_CC) SANITIZE=address,undefined \
	    CFLAGS='-O1 -g -fsanitize=fuzzer-no-link' $(FUZZ_NAMES:%=build-fuzz/fuzz/%)

fuzz: fuzz-build
	@FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_ARGS='$(FUZZ_ARGS)' sh tests/fuzz/run.sh build-fuzz/fuzz $(FUZZ_NAMES)

# The seeds in git are made from the dispatch table: run again when
# methods change.
fuzz-corpus: $(B)/tests/fuzz-mkcorpus
	rm -f tests/fuzz/corpus/*/*
	$(B)/tests/fuzz-mkcorpus tests/fuzz/corpus
$(B)/tests/fuzz-mkcorpus: $(B)/tests/fuzz/mkcorpus.o $(SRV_CORE) $(BIN)/libregie.a
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(SRV_CORE) $(BIN)/libregie.a \
	    $(call pc_libs,$(PKGS_SRV))

$(B)/fuzz/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(SRV_CORE) $(BIN)/libregie.a
	@mkdir -p $(@D)
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(SRV_CORE) \
	    $(BIN)/libregie.a $(call pc_libs,$(PKGS_SRV))
# The dispatcher's target stands in for the network core.
$(B)/fuzz/fuzz_dispatch: $(B)/tests/fuzz/fuzz_dispatch.o $(filter-out $(B)/serverd/net.o,$(SRV_CORE)) \
    $(BIN)/libregie.a
	@mkdir -p $(@D)
	$(Q)$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(filter-out $(B)/serverd/net.o,$(SRV_CORE)) $(BIN)/libregie.a $(call pc_libs,$(PKGS_SRV))

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tools/demo.sh start

demo-stop:
	@sh tools/demo.sh stop

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(BIN)/regie $(DESTDIR)$(BINDIR)/regie
	install -m 755 $(BIN)/regied $(DESTDIR)$(SBINDIR)/regied
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/
	install -m 644 man/*.8 $(DESTDIR)$(MANDIR)/man8/

clean:
	rm -rf build build-san build-fuzz regied regie libregie.a

-include $(shell find $(B) -name '*.d' 2>/dev/null)
