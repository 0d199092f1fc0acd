#!/bin/sh
# Runs one program on QEMU virt like the Vitest suite does: cpu/tests/qemu.sh elf/NAME.elf
exec timeout 20 qemu-system-riscv64 -M virt -bios none -nographic -m 128M -smp 1 -kernel "$1"
