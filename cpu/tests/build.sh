#!/bin/sh
# Rebuilds every conformance program: src/NAME.{c,S} -> elf/NAME.elf (the ELFs are committed
# because CI has no RISC-V cross compiler). Usage: cpu/tests/build.sh [NAME...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-riscv64-linux-gnu-gcc}
CFLAGS="-march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -g0 -Wall -Wextra -Wno-unused-function
  -ffreestanding -fno-builtin -fno-pic -fno-stack-protector -ffunction-sections -fdata-sections
  -I$here/common"
LDFLAGS="-nostdlib -nostartfiles -static -no-pie -T $here/common/link.ld -Wl,--no-relax
  -Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments"
mkdir -p "$here/elf"
# Assembly sources are assembled to fixed object names first: the linker names a FILE symbol after
# each object without one, and compiler temp names would make the committed ELFs differ per build.
obj=$(mktemp -d)
trap 'rm -rf "$obj"' EXIT
# shellcheck disable=SC2086
$CC $CFLAGS -c -o "$obj/crt.o" "$here/common/crt.S"
# shellcheck disable=SC2086
$CC $CFLAGS -c -o "$obj/trap.o" "$here/common/trap.S"
COMMON="crt.o trap.o $here/common/lib.c $here/common/paging.c"
all=0
if [ $# -eq 0 ]; then
  all=1
  set -- $(cd "$here/src" && ls *.c *.S 2>/dev/null | sed 's/\.[cS]$//' | sort -u)
fi
for name in "$@"; do
  src="$here/src/$name.c"
  if [ ! -f "$src" ]; then
    # shellcheck disable=SC2086
    $CC $CFLAGS -c -o "$obj/$name.o" "$here/src/$name.S"
    src="$name.o"
  fi
  # shellcheck disable=SC2086
  (cd "$obj" && $CC $CFLAGS $LDFLAGS -o "$here/elf/$name.elf" $COMMON "$src")
  echo "built elf/$name.elf"
done
# A full build records which sources the ELFs came from; the Vitest suite compares it with the
# sources in the tree so an edited program whose ELF was not rebuilt is caught.
if [ "$all" -eq 1 ]; then
  (cd "$here" && LC_ALL=C sha256sum common/* src/* | LC_ALL=C sort -k2) > "$here/elf/sources.sha256"
  echo "wrote elf/sources.sha256"
fi
