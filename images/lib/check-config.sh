#!/usr/bin/env bash
# check-config.sh FRAGMENT DOTCONFIG
# Fails unless every option of FRAGMENT has the requested value in DOTCONFIG.
#   CONFIG_FOO=val           -> DOTCONFIG must contain exactly that line
#   # CONFIG_FOO is not set  -> DOTCONFIG must not set CONFIG_FOO to y/m/anything
set -euo pipefail
frag=$1 cfg=$2
bad=0
while IFS= read -r line; do
  if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
    if ! grep -qxF -- "$line" "$cfg"; then
      have=$(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$cfg" || true)
      echo "config check: wanted '$line', got '${have:-<absent: dependency missing?>}'" >&2
      bad=1
    fi
  elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
    if grep -qE "^${BASH_REMATCH[1]}=" "$cfg"; then
      echo "config check: wanted '${BASH_REMATCH[1]}' off, got '$(grep -E "^${BASH_REMATCH[1]}=" "$cfg")'" >&2
      bad=1
    fi
  fi
done <"$frag"
if [[ $bad != 0 ]]; then
  echo "config check FAILED for $frag" >&2
  exit 1
fi
echo "config check: all $(grep -cE '^(CONFIG_|# CONFIG_.* is not set)' "$frag") options of $(basename "$(dirname "$frag")")/$(basename "$frag") stuck"
