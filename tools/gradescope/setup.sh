#!/bin/sh
# Gradescope runs this once, as root, when it builds the autograder's image
# (Ubuntu), from /autograder/source: the unzipped autograder, whose kit/ is
# the staff kit. It installs what the kit's own `make setup` installs (the
# package list stays in the kit's Makefile, tools/setup.sh installs it) and
# fetches lwIP as `make setup` does, then builds lab @LAB@'s starting tree
# once, so that each submission recompiles only the student's files.
set -eu
kit=$(cd "$(dirname "$0")" && pwd)/kit
export DEBIAN_FRONTEND=noninteractive

# What make setup itself needs, and curl for the lwIP fallback below.
apt-get update -q
apt-get install -y -q --no-install-recommends make git ca-certificates curl xz-utils

# tools/fetch-lwip.sh adds the deb-src entries that `apt-get source lwip`
# needs (from Ubuntu's sources.list or ubuntu.sources). Should Ubuntu's
# archive not offer lwIP 2.1.3+dfsg1, take Debian's orig tarball from
# Debian's pool instead: fetch-lwip.sh checks its SHA-256 either way.
if ! make -C "$kit" setup; then
    echo "setup.sh: no lwIP 2.1.3 from apt; fetching Debian's orig tarball"
    tarball=/tmp/lwip_2.1.3+dfsg1.orig.tar.xz
    curl -fsSL -o "$tarball" \
        https://deb.debian.org/debian/pool/main/l/lwip/lwip_2.1.3+dfsg1.orig.tar.xz
    LWIP_TARBALL=$tarball make -C "$kit" setup
fi

# The grader and tools need Python 3.11 (tomllib) as /usr/bin/python3.
/usr/bin/python3 -c 'import tomllib' || {
    echo "setup.sh: /usr/bin/python3 is $(/usr/bin/python3 -V 2>&1); the kit needs 3.11 or later" >&2
    exit 1
}

cd "$kit"
[ -d .git ] || { git init -q . && git add -A; }
/usr/bin/python3 -c 'import sys; sys.path.insert(0, "tools"); import trusted_grade; trusted_grade.base_tree(@LAB@)'
