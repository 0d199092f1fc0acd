#!/usr/bin/env bash
# rootfs.sh LOCKFILE OUTDIR [NAME]     (NAME: Kindling's name for the architecture, default: Debian's)
# Builds the busybox userland for one guest architecture:
#   OUTDIR/tree/               staging tree (busybox, applet symlinks, /init, /etc)
#   OUTDIR/initramfs.cpio.gz   gzip newc cpio (kernel's gen_init_cpio from a text list: no root needed)
#   OUTDIR/disk.ext4           ext4 image of the same tree plus /README (mke2fs -d: no mounts)
# Needs: KSRC (kernel tree, for usr/gen_init_cpio.c), SOURCE_DATE_EPOCH, BUILD (scratch dir).
set -euo pipefail
lock=$1 out=$2 name=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
: "${KSRC:?}" "${SOURCE_DATE_EPOCH:?}" "${BUILD:?}"
get() { sed -n "s/^$1=//p" "$lock"; }
arch=$(get arch) binary=$(get binary)
name=${name:-$arch}

# the kernel's own cpio generator, built for the host
gen="$BUILD/tools/gen_init_cpio"
if [[ ! -x $gen || $gen -ot $KSRC/usr/gen_init_cpio.c ]]; then
  mkdir -p "$BUILD/tools"
  cc -O2 -o "$gen" "$KSRC/usr/gen_init_cpio.c"
fi

deb=$(bash "$here/fetch-deb.sh" "$lock" "$BUILD/debs")
rm -rf "$out"
mkdir -p "$out/deb"
dpkg-deb -x "$deb" "$out/deb"
bb="$out/deb/$binary"
[[ -x $bb ]] || { echo "rootfs: $binary not found in $deb" >&2; exit 1; }

# how to run the busybox binary on this host (to ask it for its applet list)
case "$arch" in
  amd64 | i386) run=() ;;
  riscv64) run=(qemu-riscv64) ;;
  *) echo "rootfs: unknown arch $arch" >&2; exit 1 ;;
esac

t="$out/tree"
mkdir -p "$t"
for d in bin sbin usr/bin usr/sbin etc proc sys dev tmp run root mnt; do
  mkdir -p "$t/$d"
done
install -m 0755 "$bb" "$t/bin/busybox"
install -m 0755 "$here/../rootfs/init" "$t/init"
for f in "$here"/../rootfs/etc/*; do
  install -m 0644 "$f" "$t/etc/$(basename "$f")"
done
n=0
while read -r applet; do
  case "$applet" in "" | linuxrc | bin/busybox) continue ;; esac
  mkdir -p "$t/$(dirname "$applet")"
  ln -sfn /bin/busybox "$t/$applet"
  n=$((n + 1))
done < <("${run[@]}" "$bb" --list-full | LC_ALL=C sort)
chmod 0700 "$t/root"
chmod 1777 "$t/tmp"
find "$t" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
version=$( ("${run[@]}" "$bb" 2>&1 || true) | sed -n 1p | sed -n 's/^BusyBox \(v[^ ]*\) (\(.*\)) multi-call.*/\1 (\2)/p')
echo "$version" >"$out/busybox-version"
echo "rootfs[$arch]: busybox $version, $n applet links"

# initramfs: text list in sorted order -> gen_init_cpio -> gzip -n
list="$out/initramfs.list"
{
  echo "nod /dev/console 0600 0 0 c 5 1"
  (cd "$t" && find . -mindepth 1 | LC_ALL=C sort) | while read -r p; do
    p=${p#.}
    mode=$(stat -c '%a' "$t$p")
    if [[ -L $t$p ]]; then
      echo "slink $p $(readlink "$t$p") 0777 0 0"
    elif [[ -d $t$p ]]; then
      echo "dir $p $mode 0 0"
    else
      echo "file $p $t$p $mode 0 0"
    fi
  done
} >"$list"
"$gen" -t "$SOURCE_DATE_EPOCH" "$list" | gzip -9 -n >"$out/initramfs.cpio.gz"

# ext4 disk: same tree + a README to read back in tests
d="$out/disk-tree"
cp -a "$t" "$d"
printf 'kindling %s disk image\nbusybox %s\n' "$name" "$version" >"$d/README"
touch -h -d "@$SOURCE_DATE_EPOCH" "$d/README"
rm -f "$out/disk.ext4"
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mke2fs -q -F -t ext4 -L kindling \
  -U 6b696e64-6c69-6e67-6469-736b00000001 \
  -E root_owner=0:0,hash_seed=6b696e64-6c69-6e67-6469-736b00000002,lazy_itable_init=0 \
  -d "$d" "$out/disk.ext4" "${DISK_SIZE:-16M}"
# mke2fs -d copies atime/ctime from the staging files (ctime cannot be set with touch): pin them
(cd "$d" && find . | LC_ALL=C sort) | while read -r p; do
  p=${p#.}
  echo "set_inode_field \"${p:-/}\" atime @$SOURCE_DATE_EPOCH"
  echo "set_inode_field \"${p:-/}\" ctime @$SOURCE_DATE_EPOCH"
done >"$out/disk-times.debugfs"
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH debugfs -w -f "$out/disk-times.debugfs" "$out/disk.ext4" >/dev/null 2>"$out/debugfs.err" \
  || { cat "$out/debugfs.err" >&2; exit 1; }
if grep -v '^debugfs ' "$out/debugfs.err" | grep -q .; then
  cat "$out/debugfs.err" >&2
  exit 1
fi
echo "rootfs[$arch]: initramfs $(stat -c %s "$out/initramfs.cpio.gz") bytes, disk $(stat -c %s "$out/disk.ext4") bytes"
