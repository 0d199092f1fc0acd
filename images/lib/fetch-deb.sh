#!/usr/bin/env bash
# fetch-deb.sh LOCKFILE DESTDIR
# Downloads the .deb pinned by LOCKFILE (package, suite, arch, version, filename, sha256) into
# DESTDIR without touching the machine's own apt state, verifies its sha256 and prints its path.
# First choice: apt-get with a private sources list / lists / cache (signed indexes).
# Fallback (e.g. the mirror is mid-sync and the index hash check fails): the pool path from the
# lock file, straight from the mirror. Either way the pinned sha256 must match.
set -euo pipefail
lock=$1 dest=$2
get() { sed -n "s/^$1=//p" "$lock"; }
pkg=$(get package) suite=$(get suite) arch=$(get arch) version=$(get version)
filename=$(get filename) sha=$(get sha256)
mirror=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/* *$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)}
mirror=${mirror:-http://deb.debian.org/debian}
deb="$dest/$(basename "$filename")"
mkdir -p "$dest"
if [[ -f $deb ]] && echo "$sha  $deb" | sha256sum -c --status; then
  echo "$deb"
  exit 0
fi
# the machine's own apt cache may already hold it (e.g. the build host's busybox-static)
cached="/var/cache/apt/archives/${pkg}_${version/:/%3a}_$arch.deb"
if [[ -f $cached ]] && echo "$sha  $cached" | sha256sum -c --status; then
  cp -f "$cached" "$deb"
  echo "$deb"
  exit 0
fi
apt_root="$dest/apt-$suite-$arch"
mkdir -p "$apt_root/lists/partial" "$apt_root/cache/archives/partial"
echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
  >"$apt_root/sources.list"
opts=(-q -o Dir::Etc::SourceList="$apt_root/sources.list" -o Dir::Etc::SourceParts=-
  -o Dir::State::Lists="$apt_root/lists" -o Dir::Cache="$apt_root/cache"
  -o Dir::State::Status=/dev/null -o APT::Architecture="$arch" -o APT::Architectures="$arch"
  -o Debug::NoLocking=1)
if apt-get "${opts[@]}" update >&2 && (cd "$dest" && apt-get "${opts[@]}" download "$pkg:$arch=$version" >&2); then
  # apt names the file with the epoch url-encoded (1%3a...)
  got=$(ls -1t "$dest"/"${pkg}"_*"${version#*:}"_"$arch".deb | head -n1)
  [[ $got == "$deb" ]] || mv -f "$got" "$deb"
else
  echo "fetch-deb: apt could not fetch $pkg:$arch=$version from $suite; falling back to $mirror/$filename" >&2
  curl -fsS -o "$deb.part" "$mirror/$filename"
  mv -f "$deb.part" "$deb"
fi
if ! echo "$sha  $deb" | sha256sum -c --status; then
  echo "fetch-deb: sha256 mismatch for $deb (want $sha, got $(sha256sum "$deb" | cut -d' ' -f1))" >&2
  exit 1
fi
echo "$deb"
