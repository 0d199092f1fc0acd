#!/bin/sh
# Rebuilds the CPU benchmark programs: src/NAME.c -> elf/NAME.elf (committed: CI has no cross
# compiler). They share the bare-metal start-up and printing code of cpu/tests/common.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
common="$here/../../cpu/tests/common"
CC=${CC:-riscv64-linux-gnu-gcc}
CFLAGS="-march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -g0 -Wall -Wextra -Wno-unused-function
  -ffreestanding -fno-builtin -fno-pic -fno-stack-protector -ffunction-sections -fdata-sections
  -I$common -I$here/src"
LDFLAGS="-nostdlib -nostartfiles -static -no-pie -T $common/link.ld -Wl,--no-relax
  -Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments"
mkdir -p "$here/elf"
# Assembly is assembled to fixed object names first so the ELFs are byte-for-byte reproducible
# (the linker would otherwise record the compiler's temporary object names).
obj=$(mktemp -d)
trap 'rm -rf "$obj"' EXIT
# shellcheck disable=SC2086
$CC $CFLAGS -c -o "$obj/crt.o" "$common/crt.S"
# shellcheck disable=SC2086
$CC $CFLAGS -c -o "$obj/trap.o" "$common/trap.S"
COMMON="crt.o trap.o $common/lib.c $common/paging.c"
if [ $# -eq 0 ]; then set -- empty crc32 sort intmix matmul; fi
for name in "$@"; do
  # shellcheck disable=SC2086
  (cd "$obj" && $CC $CFLAGS $LDFLAGS -o "$here/elf/$name.elf" $COMMON "$here/src/$name.c")
  echo "built elf/$name.elf"
done
