#!/bin/sh
# startup.sh BUILD_DIR — start-up cost of the sandbox (run by `make bench`).
#
# Median wall time, over RUNS runs after WARMUP warm-up runs, of
#   bare        /bin/true
#   pkgguard    pkgguard-sandbox -- /bin/true          (default profile)
#   bwrap       bwrap --unshare-all ... /bin/true     (a comparable bubblewrap)
# The three are run round-robin so that drift of the machine hits all alike.
# Prints each median, each overhead (median - bare) and the ratio
# pkgguard_overhead / bwrap_overhead against the target (<= 0.8).
# Informational: no timed assertion, the exit status is 0 unless a command
# fails to run.
set -u
BUILD=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
RUNS=${RUNS:-50}
WARMUP=${WARMUP:-5}
SB=$BUILD/pkgguard-sandbox

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "bench: python3 is needed for the timer" >&2; exit 1; }
[ -x "$SB" ] || { echo "bench: $SB is not built" >&2; exit 1; }

# bwrap's view of the system: what is a symlink here (usr-merged /bin,
# /lib64...) stays a symlink, a real directory is bound read-only.
bw=""
if command -v bwrap >/dev/null 2>&1; then
	bw="bwrap --unshare-all --die-with-parent --new-session --ro-bind /usr /usr --ro-bind /etc /etc"
	for d in bin sbin lib lib32 lib64 libx32; do
		if [ -L "/$d" ]; then
			bw="$bw --symlink $(readlink "/$d") /$d"
		elif [ -d "/$d" ]; then
			bw="$bw --ro-bind /$d /$d"
		fi
	done
	bw="$bw --proc /proc --dev /dev --tmpfs /tmp /bin/true"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

PKGGUARD_PROFILE_PATH=$top/profiles "$PY" - "$RUNS" "$WARMUP" "$SB" "$bw" <<'EOF'
import os, sys, time, statistics, shlex

runs, warmup, sb, bw = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
cmds = [("bare", ["/bin/true"]), ("pkgguard", [sb, "--", "/bin/true"])]
if bw:
    cmds.append(("bwrap", shlex.split(bw)))
devnull = os.open(os.devnull, os.O_RDWR)

def once(argv):
    fa = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1)]
    t0 = time.clock_gettime(time.CLOCK_MONOTONIC)
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=fa)
    _, status = os.waitpid(pid, 0)
    t1 = time.clock_gettime(time.CLOCK_MONOTONIC)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench: %s exited with status %d" % (" ".join(argv), os.waitstatus_to_exitcode(status)))
    return (t1 - t0) * 1000.0

for _ in range(warmup):
    for _, argv in cmds:
        once(argv)
samples = {name: [] for name, _ in cmds}
for _ in range(runs):
    for name, argv in cmds:
        samples[name].append(once(argv))

med = {name: statistics.median(v) for name, v in samples.items()}
print("bench: median wall time over %d runs (%d warm-up), ms" % (runs, warmup))
for name, _ in cmds:
    v = samples[name]
    print("  %-9s median %8.2f  (min %.2f, max %.2f)%s" % (
        name, med[name], min(v), max(v),
        "" if name == "bare" else "  overhead %.2f" % (med[name] - med["bare"])))
if "bwrap" in med:
    pg = med["pkgguard"] - med["bare"]
    bo = med["bwrap"] - med["bare"]
    if bo > 0:
        ratio = pg / bo
        print("  ratio pkgguard_overhead / bwrap_overhead = %.2f (target <= 0.8: %s)" % (
            ratio, "met" if ratio <= 0.8 else "NOT met"))
    else:
        print("  ratio: bwrap shows no overhead here, cannot compare")
else:
    print("  bwrap is not installed: no comparison")
EOF
