#!/bin/sh
# Make lwIP 2.1.3's source tree available to the build, in fetched/lwip-2.1.3/
# (git-ignored; `make clean` keeps it, `make distclean` removes it).
#
# lwIP is a dependency, never vendored: no lwIP file is committed to this
# repository. We take Debian's source package `lwip` (2.1.3+dfsg1), whose
# orig tarball we check against a SHA-256 fixed here, so every machine
# builds the same lwIP whichever mirror served it. We unpack the orig
# tarball only (upstream's 2.1.3 release less its generated Doxygen
# output), not Debian's patches: those add a unix port for Debian's
# liblwip, a socket count and a callback variant that upstream lacks, and
# a fix (CVE-2020-8597) in PPP, which the kernel does not build. The port
# is written against upstream's 2.1.3 as released.
#
#   tools/fetch-lwip.sh                  fetch if needed; a no-op once done
#   LWIP_SRC=dir tools/fetch-lwip.sh     use that lwIP 2.1.3 tree: only check it
#   LWIP_TARBALL=file tools/fetch-lwip.sh   take the orig tarball from file
#                                        instead of apt (no network needed)
#   tools/fetch-lwip.sh --check dir      is dir an lwIP 2.1.3 tree? (fetches nothing)
#
# When apt knows no deb-src entry at all, this adds one in a file of its own,
# /etc/apt/sources.list.d/bvlab-deb-src.sources, mirroring the machine's
# Debian (or Ubuntu) entries, and runs apt-get update; the rest of apt's
# configuration is left alone. Delete that file to undo it.
set -eu

VERSION=2.1.3
DEBVERSION=2.1.3+dfsg1
ORIG=lwip_$DEBVERSION.orig.tar.xz
SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
DEBSRC_FILE=/etc/apt/sources.list.d/bvlab-deb-src.sources

root=$(cd "$(dirname "$0")/.." && pwd -P)
fetched=$root/fetched
dest=$fetched/lwip-$VERSION
stamp=$dest/.bvlab-fetched

die() { echo "fetch-lwip: $*" >&2; exit 1; }

# Why dir is not an lwIP 2.1.3 source tree; nothing when it is one.
not_lwip() {
    h=$1/src/include/lwip/init.h
    [ -d "$1" ] || { echo "no such directory"; return; }
    [ -f "$h" ] || { echo "no src/include/lwip/init.h"; return; }
    [ -f "$1/src/Filelists.mk" ] || { echo "no src/Filelists.mk"; return; }
    # lwIP's files have CRLF line ends.
    v=$(awk '{ sub(/\r$/, "") }
             $1 == "#define" && $2 == "LWIP_VERSION_MAJOR" { a = $3 }
             $1 == "#define" && $2 == "LWIP_VERSION_MINOR" { b = $3 }
             $1 == "#define" && $2 == "LWIP_VERSION_REVISION" { c = $3 }
             END { print a "." b "." c }' "$h")
    [ "$v" = "$VERSION" ] || echo "init.h says version $v, not $VERSION"
}

if [ "${1-}" = "--check" ]; then
    [ $# = 2 ] || die "usage: $0 --check dir"
    why=$(not_lwip "$2")
    [ -z "$why" ] || die "$2 is not an lwIP $VERSION source tree: $why" \
        "(make setup fetches it; LWIP_SRC=dir must name an lwIP $VERSION tree)"
    exit 0
fi

if [ -n "${LWIP_SRC-}" ]; then
    why=$(not_lwip "$LWIP_SRC")
    [ -z "$why" ] || die "LWIP_SRC=$LWIP_SRC is not an lwIP $VERSION source tree: $why"
    exit 0
fi

# Done before: the common case, on every make test. Quick and silent.
if [ -f "$stamp" ] && grep -qx "sha256 $SHA256" "$stamp"; then
    exit 0
fi

# One fetch at a time per checkout; whoever waited finds the work done.
mkdir -p "$fetched"
exec 9>"$fetched/.lock"
flock 9 || die "cannot lock $fetched/.lock"
if [ -f "$stamp" ] && grep -qx "sha256 $SHA256" "$stamp"; then
    exit 0
fi

work=$(mktemp -d "$fetched/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "'$*' needs root, and there is no sudo"
    fi
}

# A Debian source version of lwip whose upstream part is ours, if apt knows one.
source_version() {
    apt-cache showsrc --only-source lwip 2>/dev/null |
        awk -v want="$DEBVERSION-" '$1 == "Version:" && index($2, want) == 1 { print $2; exit }'
}

# deb-src twins of the distribution's own deb entries: the stanzas of
# debian.sources / ubuntu.sources, and the one-line entries of sources.list.
deb_src_entries() {
    for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/ubuntu.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
        {
            types = ""; body = ""; on = 1
            for (i = 1; i <= NF; i++) {
                if ($i ~ /^#/) continue
                if (tolower($i) ~ /^types:/) { types = " " substr($i, 7) " "; continue }
                if (tolower($i) ~ /^enabled:[ \t]*no/) on = 0
                body = body $i "\n"
            }
            if (on && types ~ /[ \t]deb[ \t]/) printf "Types: deb-src\n%s\n", body
        }' "$f"
    done
    [ -f /etc/apt/sources.list ] || return 0
    awk '$1 == "deb" && $2 !~ /^cdrom:/ {
        i = 2; signed = ""
        if ($2 ~ /^\[/) {
            for (; i <= NF; i++) {
                o = $i; gsub(/[][]/, "", o)
                if (o ~ /^signed-by=/) signed = substr(o, 11)
                if ($i ~ /\]$/) break
            }
            i++
        }
        comps = $(i + 2)
        for (j = i + 3; j <= NF && $j !~ /^#/; j++) comps = comps " " $j
        print "Types: deb-src"; print "URIs: " $i; print "Suites: " $(i + 1)
        print "Components: " comps
        if (signed != "") print "Signed-By: " signed
        print ""
    }' /etc/apt/sources.list
}

add_deb_src() {
    {
        echo "# Written by bvlab's tools/fetch-lwip.sh so that apt-get source lwip works:"
        echo "# deb-src twins of this machine's Debian entries. Delete to undo."
        echo
        deb_src_entries
    } > "$work/deb-src.sources"
    grep -q '^Types: deb-src' "$work/deb-src.sources" ||
        die "apt has no deb-src entry and none can be derived (no deb entry in" \
            "/etc/apt/sources.list or sources.list.d/{debian,ubuntu}.sources);" \
            "add a deb-src entry for Debian's archive, or give LWIP_SRC=dir or LWIP_TARBALL=file"
    echo "fetch-lwip: adding $DEBSRC_FILE (deb-src for Debian's archive)"
    as_root install -m 644 "$work/deb-src.sources" "$DEBSRC_FILE" ||
        die "cannot write $DEBSRC_FILE"
}

download() {
    ver=$(source_version)
    if [ -z "$ver" ]; then
        if [ -z "$(apt-get indextargets 'Created-By: Sources')" ] || [ -f "$DEBSRC_FILE" ]; then
            add_deb_src
        fi
        echo "fetch-lwip: apt-get update"
        # It fails only on hard errors: an archive it cannot reach is a warning.
        as_root apt-get update -q ||
            die "apt-get update failed: is the network (Debian's archive) reachable?" \
                "Without it, give LWIP_SRC=dir or LWIP_TARBALL=file"
        ver=$(source_version)
        [ -n "$ver" ] ||
            die "apt knows no source package lwip $DEBVERSION-*: either apt-get update" \
                "could not reach Debian's archive (see its warnings above), or the" \
                "machine's deb-src entries do not offer it (bookworm's do). Without it," \
                "give LWIP_SRC=dir or LWIP_TARBALL=file"
    fi
    echo "fetch-lwip: apt-get source --download-only lwip=$ver"
    mkdir "$work/dl"
    # As root, apt downloads as its sandbox user _apt, who must be able to write here.
    if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$work/dl"; fi
    (cd "$work/dl" && apt-get source --download-only -q "lwip=$ver") ||
        die "apt-get source lwip=$ver failed: is the network (Debian's archive) reachable?" \
            "Without it, give LWIP_SRC=dir or LWIP_TARBALL=file"
    [ -f "$work/dl/$ORIG" ] || die "apt-get source lwip=$ver brought no $ORIG"
    tarball=$work/dl/$ORIG
    origin="Debian source package lwip=$ver"
}

# The tarball: given, kept from an earlier fetch (verified then, checked
# again now), or downloaded.
if [ -n "${LWIP_TARBALL-}" ]; then
    [ -f "$LWIP_TARBALL" ] || die "LWIP_TARBALL=$LWIP_TARBALL: no such file"
    tarball=$LWIP_TARBALL
    origin="LWIP_TARBALL=$LWIP_TARBALL"
elif [ -f "$fetched/$ORIG" ]; then
    tarball=$fetched/$ORIG
    origin="fetched/$ORIG, kept from an earlier fetch"
else
    download
fi

sum=$(sha256sum "$tarball" | cut -d' ' -f1)
[ "$sum" = "$SHA256" ] ||
    die "$tarball: SHA-256 is $sum, expected $SHA256; refusing to unpack it" \
        "(a corrupt download, or not Debian's $ORIG)"
if [ "$tarball" != "$fetched/$ORIG" ]; then
    cp "$tarball" "$work/$ORIG" && mv "$work/$ORIG" "$fetched/$ORIG"
fi

# Unpack beside the destination, check, stamp, then rename into place: the
# destination is either absent, a leftover without a stamp, or complete.
mkdir "$work/unpack"
tar -xJf "$tarball" -C "$work/unpack" || die "cannot unpack $tarball"
set -- "$work/unpack"/*
if [ $# != 1 ] || [ ! -d "$1" ]; then
    die "$tarball does not hold one top-level directory"
fi
why=$(not_lwip "$1")
[ -z "$why" ] || die "$tarball does not hold lwIP $VERSION: $why"
printf 'sha256 %s\nfrom %s\n' "$SHA256" "$origin" > "$1/.bvlab-fetched"
rm -rf "$dest"
mv -T "$1" "$dest"   # GNU mv: rename, never move into an existing directory
echo "fetch-lwip: lwIP $VERSION is in ${dest#"$root"/}"
