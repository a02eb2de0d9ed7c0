#!/bin/sh
# deps.sh (make deps): checks that everything the build and the tests need
# is here, by looking for the libraries and programs themselves (pkg-config,
# command -v), not for Debian packages, so that other setups pass too.
# When something is missing, root with apt-get installs it; anyone else is
# told the one command to run.
#
# `deps.sh fuzz` (make fuzz) checks instead for clang and its libFuzzer
# runtime, which only the fuzz targets need.
set -eu

mode=${1:-build}

missing=""
packages=""

need() {
	missing="$missing $1"
	case " $packages " in
	*" $2 "*) ;;
	*) packages="$packages $2" ;;
	esac
}

have_cmd() {
	command -v "$1" >/dev/null 2>&1
}

# The PostgreSQL server binaries, found the way tools/pgtmp.sh finds them.
have_pg_server() {
	dirs=""
	if have_cmd pg_config; then
		dirs=$(pg_config --bindir 2>/dev/null || true)
	fi
	dirs="$dirs $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true)"
	for d in $dirs; do
		if [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && [ -x "$d/pg_ctl" ] &&
		    [ -x "$d/pg_isready" ] && [ -x "$d/psql" ]; then
			return 0
		fi
	done
	return 1
}

# A compiler that can build and link a C program (gcc alone lacks the
# libc headers on a minimal system).
have_cc() {
	cc=${CC:-cc}
	have_cmd "$cc" || return 1
	out=$(mktemp)
	rc=0
	printf '#include <stdio.h>\nint main(void) { return puts("") < 0; }\n' |
	    "$cc" -x c -o "$out" - >/dev/null 2>&1 || rc=1
	rm -f "$out"
	return $rc
}

# clang that links a libFuzzer target with ASan and UBSan (Debian ships
# the runtime apart from clang, in libclang-rt-dev).
have_libfuzzer() {
	have_cmd "${FUZZ_CC:-clang}" || return 1
	dir=$(mktemp -d)
	rc=0
	printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return d == NULL && n > 0; }\n' \
	    > "$dir/f.c"
	"${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined -o "$dir/f" "$dir/f.c" \
	    >/dev/null 2>&1 || rc=1
	rm -rf "$dir"
	return $rc
}

check_fuzz() {
	missing=""
	packages=""
	have_cmd "${FUZZ_CC:-clang}" || need clang clang
	have_libfuzzer || need libFuzzer libclang-rt-dev
}

check() {
	if [ "$mode" = fuzz ]; then
		check_fuzz
		return
	fi
	missing=""
	packages=""
	have_cmd pkg-config || need pkg-config pkg-config
	have_cc || need "C compiler" "gcc libc6-dev"
	have_cmd make || need make make
	for pc in libevent:libevent-dev libevent_pthreads:libevent-dev \
	    libpq:libpq-dev msgpack:libmsgpack-dev ncursesw:libncurses-dev \
	    cmocka:libcmocka-dev libsodium:libsodium-dev; do
		pkg-config --exists "${pc%%:*}" 2>/dev/null || need "${pc%%:*}" "${pc#*:}"
	done
	have_pg_server || need "postgresql server" postgresql
	have_cmd tmux || need tmux tmux
	have_cmd man || need man man-db
	have_cmd groff && have_cmd nroff || need groff groff-base
	have_cmd timeout || need timeout coreutils
}

check
if [ -z "$missing" ]; then
	if have_cmd valgrind; then
		echo "deps: all present"
	else
		echo "deps: all present (valgrind, optional, is not)"
	fi
	exit 0
fi

if [ "$(id -u)" -eq 0 ] && have_cmd apt-get; then
	echo "deps: missing:$missing; installing:$packages"
	apt-get update
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y $packages
	check
	if [ -z "$missing" ]; then
		echo "deps: all present"
		exit 0
	fi
fi

echo "missing:$missing"
echo "run: sudo apt-get install -y$packages"
exit 1
