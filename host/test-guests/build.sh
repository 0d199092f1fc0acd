#!/bin/sh
# Assembles the x86 test guests into flat binaries (*.bin, committed next to their sources).
# Needs GNU binutils for x86_64 (as, ld, objcopy). Real-mode guests are linked at 0x1000, 64-bit
# guests at 0x100000, matching the load addresses in test-guests.ts. fake-kernel is a bzImage-shaped
# file (setup header + position-independent 64-bit kernel) loaded by the Linux boot path.
set -eu
cd "$(dirname "$0")"
build() {
  name=$1
  address=$2
  as --64 -o "/tmp/kindling-$name.o" "$name.S"
  ld -m elf_x86_64 -nostdlib -N --no-warn-rwx-segments -Ttext="$address" -e _start -o "/tmp/kindling-$name.elf" "/tmp/kindling-$name.o"
  objcopy -O binary "/tmp/kindling-$name.elf" "$name.bin"
  rm -f "/tmp/kindling-$name.o" "/tmp/kindling-$name.elf"
  echo "$name.bin: $(wc -c < "$name.bin") bytes at $address"
}
build real-mode-hello 0x1000
build mode-switch 0x1000
build long-mode-mmio 0x100000
build unmapped-access 0x100000
build triple-fault 0x100000
build busy-loop 0x100000
build port-io-loop 0x100000
build popcnt-probe 0x100000
build interrupts 0x1000
build protected-mode-hello 0x100000
build fake-kernel 0x0
