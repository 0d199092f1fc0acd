#!/usr/bin/env bash
# build-kernel.sh KARCH CROSS_COMPILE FRAGMENT OBJDIR TARGET...
# Out-of-tree build (O=OBJDIR) of the shared kernel source tree in $KSRC:
# tinyconfig + FRAGMENT -> olddefconfig -> verify -> make TARGET...
set -euo pipefail
karch=$1 cross=$2 frag=$3 obj=$4
shift 4
: "${KSRC:?KSRC must point at the extracted linux-source tree}"
mkdir -p "$obj"
mk() { make -C "$KSRC" O="$obj" ARCH="$karch" CROSS_COMPILE="$cross" "$@"; }
mk -s tinyconfig
"$KSRC/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" >/dev/null
mk -s olddefconfig
bash "$(dirname "$0")/check-config.sh" "$frag" "$obj/.config"
mk -j"${JOBS:-$(nproc)}" "$@"
