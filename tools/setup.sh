#!/bin/sh
# Install the Debian packages the kit needs (the list comes from the Makefile
# and mk/*.mk: mk/nfsd.mk adds clang and libclang-rt-dev, libFuzzer's runtime,
# which Debian 12's clang only recommends and --no-install-recommends below
# would skip).
#   tools/setup.sh PKG...           install whatever is missing
#   tools/setup.sh --check PKG...   exit 0 if all are installed, 1 if not
# Quick when everything is present: one dpkg-query, no apt-get.
set -e

check=0
if [ "$1" = "--check" ]; then check=1; shift; fi

missing=""
for p in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    [ $check = 1 ] || echo "setup: all packages present"
    exit 0
fi
if [ $check = 1 ]; then
    echo "setup: missing:$missing"
    exit 1
fi

if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
echo "setup: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent on a fresh machine; refresh them once.
$sudo apt-get update -q || echo "setup: apt-get update failed; trying with the lists we have"
$sudo apt-get install -y -q --no-install-recommends $missing
