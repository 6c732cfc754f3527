#!/bin/sh
# qemu-nfsd.sh: run make qemu's QEMU with lab 5's file server beside it.
#
#   tools/qemu-nfsd.sh NFSD EXPORT PORT GUESTPORT -- COMMAND [ARG...]
#
# Makes the directory EXPORT if it is missing and (re)writes its README,
# touching nothing else in it; starts NFSD serving EXPORT on the host's
# 127.0.0.1:PORT, which a guest on QEMU's user-mode network reaches as
# 10.0.2.2:PORT; runs COMMAND on this terminal; stops nfsd when COMMAND
# ends, however it ends (Ctrl-a x, Ctrl-c, a signal to this script).
# GUESTPORT is the port that a guest path naming none means (NFS_PORT in
# kernel/nfs.h): nfsd on that port is 10.0.2.2:/, on any other port P
# it is 10.0.2.2:P:/, and the line printed before the boot says which.
#
# A taken PORT (say, another make qemu on a shared machine) is not fatal:
# the next free port of PORT+1 .. PORT+20 is used instead, and the first
# line printed says so, since a plain 10.0.2.2:/ path would then reach
# the other server. If nfsd cannot start at all, COMMAND runs without it.
# nfsd's own messages go to a log beside the binary, not to the console.

if [ $# -lt 6 ] || [ "$5" != "--" ]; then
    echo "usage: $0 NFSD EXPORT PORT GUESTPORT -- COMMAND [ARG...]" >&2
    exit 2
fi
nfsd=$1 export=$2 want=$3 guestport=$4
shift 5

if ! mkdir -p "$export"; then
    echo "nfsd: cannot make $export; booting without nfsd"
    exec "$@"
fi

# The README is for whoever finds the directory, in the guest or on the host.
write_readme() {
    where="on port $1"
    [ "$1" = "$want" ] || where="$where, as port $want was taken"
    cat > "$export/README" <<EOF
This directory is the export of the nfsd that \`make qemu\` started (lab 5's
file server, nfsd/; its protocol is handouts/nfs-protocol.md): $export/
on the host, $path in the guest (nfsd $where).
Try these in the guest's shell:

    cat ${path}README
    ls $path
    cp README.md ${path}copy.md
    wc ${path}copy.md
    mkdir ${path}notes
    echo hello > ${path}notes/hi
    rm ${path}notes/hi

and look at $export/ on the host as they run. make qemu rewrites
this README each time and leaves every other file here alone; make clean
removes the whole directory, as it removes build/.
EOF
}

# Starts nfsd on port $1 and waits until it listens: 0 when it does, 1 when
# the port is taken, 2 for any other failure (the log says which).
start_nfsd() {
    log=$(dirname "$nfsd")/nfsd-$1.log
    : > "$log"
    # setpriv makes the kernel stop nfsd should this script be killed
    # outright (SIGKILL runs no trap); without setpriv, the traps below.
    pdeath=
    setpriv --pdeathsig TERM true 2>/dev/null && pdeath="setpriv --pdeathsig TERM"
    $pdeath "$nfsd" -r "$export" -p "$1" </dev/null >>"$log" 2>&1 &
    nfsd_pid=$!
    tries=0
    while [ $tries -lt 100 ]; do                # 10 s at most
        grep -q "nfsd: serving" "$log" && return 0
        if ! kill -0 $nfsd_pid 2>/dev/null; then
            wait $nfsd_pid 2>/dev/null
            nfsd_pid=
            grep -q "in use" "$log" && return 1
            return 2
        fi
        sleep 0.1
        tries=$((tries + 1))
    done
    return 2
}

stop_nfsd() {
    if [ -n "$nfsd_pid" ]; then
        kill $nfsd_pid 2>/dev/null
        wait $nfsd_pid 2>/dev/null
        nfsd_pid=
    fi
}
nfsd_pid=
trap stop_nfsd EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

port=$want
while :; do
    start_nfsd $port
    case $? in
    0)  path="10.0.2.2:$port:/"
        [ $port = "$guestport" ] && path="10.0.2.2:/"
        write_readme $port
        if [ $port != "$want" ]; then
            echo "nfsd: port $want is taken (another make qemu?)$(
                [ "$want" = "$guestport" ] &&
                echo ", so 10.0.2.2:/ paths reach that server, not yours")."
        fi
        echo "nfsd: serving $export on port $port - in the guest try: cat ${path}README"
        break ;;
    1)  if [ $port -ge $((want + 20)) ]; then
            echo "nfsd: ports $want-$port are all taken; booting without nfsd"
            break
        fi
        port=$((port + 1)) ;;
    *)  echo "nfsd: did not start (see $log); booting without it"
        stop_nfsd
        break ;;
    esac
done

# Not exec: this shell must outlive COMMAND to stop nfsd afterwards.
"$@"
