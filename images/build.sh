#!/usr/bin/env bash
# Kindling guest images: kernels + busybox initramfs + ext4 disk, from Debian packages only.
#   bash images/build.sh [riscv64] [x86_64] [i386] [manifest]     (no argument: everything)
# Outputs go to public/images/ (+ manifest.json). Scratch space: images/.build/ (gitignored),
# or $KINDLING_BUILD_DIR (output dir: $KINDLING_OUT_DIR). Never run in CI: it needs linux-source-6.1, gcc-riscv64-linux-gnu,
# busybox-static, qemu-user, e2fsprogs, cpio, bc, flex, bison, libelf-dev, libssl-dev and network
# access to the Debian mirror (for the pinned foreign busybox .deb files).
set -euo pipefail

IMAGES=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$IMAGES/.." && pwd)
BUILD=${KINDLING_BUILD_DIR:-$IMAGES/.build}
OUT=${KINDLING_OUT_DIR:-$ROOT/public/images}
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
export BUILD
export LC_ALL=C TZ=UTC
umask 022
export JOBS=${JOBS:-$(nproc)}

t_all=$SECONDS
step() { printf '\n==> [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
took() { printf '    (%s: %ds)\n' "$1" "$((SECONDS - $2))"; }

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(riscv64 x86_64 i386 manifest)
want() { local t; for t in "${targets[@]}"; do [[ $t == "$1" ]] && return 0; done; return 1; }

for tool in make gcc cc bc flex bison cpio gzip mke2fs dpkg-deb apt-get curl node; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
[[ -f $TARBALL ]] || { echo "missing $TARBALL (apt-get install linux-source-6.1)" >&2; exit 1; }

# Reproducibility: every timestamp comes from the Debian changelog of the kernel source package.
changelog=/usr/share/doc/linux-source-6.1/changelog.Debian.gz
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date -d "$(zcat "$changelog" | sed -n 's/^ -- .*>  //p' | head -n1)" +%s)}
export KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a, %d %b %Y %H:%M:%S +0000')
export KBUILD_BUILD_USER=kindling KBUILD_BUILD_HOST=kindling KBUILD_BUILD_VERSION=1
echo "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH ($KBUILD_BUILD_TIMESTAMP), JOBS=$JOBS, build dir $BUILD"

mkdir -p "$BUILD/src" "$OUT"
step "kernel source: $TARBALL"
t=$SECONDS
stamp="$BUILD/src/.tarball.sha256"
want_sum=$(sha256sum "$TARBALL" | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want_sum" ]]; then
  rm -rf "$BUILD/src/linux-source-6.1"
  tar -C "$BUILD/src" -xf "$TARBALL"
  echo "$want_sum" >"$stamp"
fi
export KSRC="$BUILD/src/linux-source-6.1"
echo "    linux $(make -s -C "$KSRC" kernelversion)"
took "source" $t

gz() { gzip -9 -n -c "$1" >"$2"; }

if want riscv64; then
  step "riscv64 kernel (tinyconfig + riscv64/kernel.config)"
  t=$SECONDS
  bash "$IMAGES/lib/build-kernel.sh" riscv riscv64-linux-gnu- "$IMAGES/riscv64/kernel.config" \
    "$BUILD/riscv64/kernel" Image >"$BUILD/riscv64-kernel.log" 2>&1 \
    || { tail -n 40 "$BUILD/riscv64-kernel.log"; exit 1; }
  grep '^config check' "$BUILD/riscv64-kernel.log"
  took "riscv64 kernel" $t
  step "riscv64 initramfs + disk (busybox from riscv64/busybox.lock)"
  t=$SECONDS
  bash "$IMAGES/lib/rootfs.sh" "$IMAGES/riscv64/busybox.lock" "$BUILD/riscv64/rootfs" riscv64
  mkdir -p "$OUT/riscv64"
  gz "$BUILD/riscv64/kernel/arch/riscv/boot/Image" "$OUT/riscv64/Image.gz"
  cp "$BUILD/riscv64/rootfs/initramfs.cpio.gz" "$OUT/riscv64/initramfs.cpio.gz"
  gz "$BUILD/riscv64/rootfs/disk.ext4" "$OUT/riscv64/disk.ext4.gz"
  took "riscv64 userland" $t
fi

if want x86_64; then
  step "x86_64 kernel (tinyconfig + x86_64/kernel.config)"
  t=$SECONDS
  bash "$IMAGES/lib/build-kernel.sh" x86 "" "$IMAGES/x86_64/kernel.config" \
    "$BUILD/x86_64/kernel" vmlinux bzImage >"$BUILD/x86_64-kernel.log" 2>&1 \
    || { tail -n 40 "$BUILD/x86_64-kernel.log"; exit 1; }
  grep '^config check' "$BUILD/x86_64-kernel.log"
  took "x86_64 kernel" $t
  step "x86_64 initramfs + disk (busybox from x86_64/busybox.lock)"
  t=$SECONDS
  bash "$IMAGES/lib/rootfs.sh" "$IMAGES/x86_64/busybox.lock" "$BUILD/x86_64/rootfs" x86_64
  mkdir -p "$OUT/x86_64"
  strip --strip-all -o "$BUILD/x86_64/vmlinux.stripped" "$BUILD/x86_64/kernel/vmlinux"
  gz "$BUILD/x86_64/vmlinux.stripped" "$OUT/x86_64/vmlinux.gz"
  cp "$BUILD/x86_64/kernel/arch/x86/boot/bzImage" "$OUT/x86_64/bzImage"
  cp "$BUILD/x86_64/rootfs/initramfs.cpio.gz" "$OUT/x86_64/initramfs.cpio.gz"
  gz "$BUILD/x86_64/rootfs/disk.ext4" "$OUT/x86_64/disk.ext4.gz"
  took "x86_64 userland" $t
fi

if want i386; then
  step "i386 bench-peer kernel (tinyconfig + i386/kernel.config)"
  t=$SECONDS
  bash "$IMAGES/lib/build-kernel.sh" i386 "" "$IMAGES/i386/kernel.config" \
    "$BUILD/i386/kernel" bzImage >"$BUILD/i386-kernel.log" 2>&1 \
    || { tail -n 40 "$BUILD/i386-kernel.log"; exit 1; }
  grep '^config check' "$BUILD/i386-kernel.log"
  took "i386 kernel" $t
  step "i386 initramfs (busybox from i386/busybox.lock)"
  t=$SECONDS
  bash "$IMAGES/lib/rootfs.sh" "$IMAGES/i386/busybox.lock" "$BUILD/i386/rootfs" i386
  mkdir -p "$OUT/i386"
  cp "$BUILD/i386/kernel/arch/x86/boot/bzImage" "$OUT/i386/bzImage"
  cp "$BUILD/i386/rootfs/initramfs.cpio.gz" "$OUT/i386/initramfs.cpio.gz"
  took "i386 userland" $t
fi

if want manifest; then
  step "manifest"
  node "$IMAGES/lib/manifest.mjs" "$IMAGES" "$BUILD" "$OUT"
  total=$(find "$OUT" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  echo "    public/images: $total bytes in $(find "$OUT" -type f | wc -l) files"
  if ((total > 15 * 1000 * 1000)); then
    echo "public/images is larger than the 15 MB budget" >&2
    exit 1
  fi
fi

step "done in $((SECONDS - t_all))s"
