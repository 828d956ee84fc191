#!/usr/bin/env bash
# Time to first frame: maphex against hexedit, on the same 8 GiB sparse file, 120x40, in a
# pseudo-terminal, interleaved in one run; prints the medians and the ratio.
#
#   benches/startup_vs_hexedit.sh [N]          # N runs of each (default 30)
#   MAPHEX=path/to/maphex benches/startup_vs_hexedit.sh
#   MAPHEX_BASE=path/to/older/maphex ...       # also time an older build, in the same rounds
#   MAPHEX_ARGS="--config /dev/null" ...       # extra arguments for maphex (default none)
#
# How a run is timed (the harness below, in Python): a pty of 120x40 is opened, the clock is
# read, the program is forked and exec'd on the pty's slave side (its controlling terminal,
# TERM=xterm-256color, the size set before exec), and the master side is read until the
# output holds the complete first frame; the clock is read again when that read returns.
# Then the quit key is sent and the program is reaped (not timed).
#
# "Complete first frame":
#   maphex   the status bar's " bytes " (the last cell run of the bar holds the file size),
#            then a later ESC[?25l: ratatui hides the cursor after writing a frame's cells
#            and flushes, so that is the frame's last write.
#   hexedit  its status line's "--0%" (the last thing ncurses writes on the screen), then the
#            cursor move ESC[row;colH that ends its refresh.
# Both include the fork and exec, the dynamic loader, terminal set-up and the first draw.
# Each program runs once untimed first (page cache, terminfo). The order inside each round
# alternates, so neither always runs right after the other.
#
# Whole-process times of paths with no terminal (`maphex --version`) are timed with
# hyperfine when it is installed.
#
# hexedit is installed with apt when missing and possible; without it the script says so
# loudly and times maphex alone.
set -euo pipefail

N=${1:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAPHEX=${MAPHEX:-$ROOT/target/release/maphex}
if [ ! -x "$MAPHEX" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi

HEXEDIT=$(command -v hexedit || true)
if [ -z "$HEXEDIT" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq hexedit) >/dev/null 2>&1 || true
    HEXEDIT=$(command -v hexedit || true)
fi
if [ -z "$HEXEDIT" ]; then
    echo "######################################################################" >&2
    echo "## hexedit is not installed and could not be installed: SKIPPING it ##" >&2
    echo "## (apt-get install hexedit); timing maphex alone, no ratio         ##" >&2
    echo "######################################################################" >&2
fi

DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
FILE=$DIR/sparse-8GiB.bin
truncate -s 8G "$FILE"
# A second one for the compare view (`maphex diff`): its first frame must not wait for the
# comparison, which runs in the background.
truncate -s 8G "$DIR/sparse-8GiB-b.bin"
# An empty config home: no user config file changes what is timed.
mkdir -p "$DIR/xdg"

python3 - "$N" "$FILE" "$DIR/xdg" "$MAPHEX" "${MAPHEX_BASE:-}" "$HEXEDIT" "${MAPHEX_ARGS:-}" <<'PY'
import fcntl, os, pty, re, select, shlex, signal, statistics, struct, sys, termios, time

n, path, xdg, maphex, base, hexedit, margs = sys.argv[1:8]
n = int(n)
ROWS, COLS = 40, 120

MAPHEX_DONE = re.compile(rb" bytes .*?\x1b\[\?25l", re.S)
HEXEDIT_DONE = re.compile(rb"--0%.*?\x1b\[\d+;\d+H", re.S)

def once(argv, done, quit_key):
    """Seconds from just before fork to the read that completes the first frame, and the
    child's CPU seconds (user + system) over its whole life, first frame and quit."""
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            env = dict(os.environ, TERM="xterm-256color", XDG_CONFIG_HOME=xdg)
            env.pop("NO_COLOR", None)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    out = bytearray()
    t = None
    deadline = t0 + 10
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if done.search(out):
            t = time.perf_counter() - t0
            break
    try:
        os.write(fd, quit_key)
    except OSError:
        pass
    # Drain until the child is gone (a full pty would block its exit).
    end = time.perf_counter() + 5
    cpu = None
    while time.perf_counter() < end:
        got, _, ru = os.wait4(pid, os.WNOHANG)
        if got:
            cpu = ru.ru_utime + ru.ru_stime
            break
        r, _, _ = select.select([fd], [], [], 0.02)
        if r:
            try:
                os.read(fd, 1 << 16)
            except OSError:
                pass
    else:
        os.kill(pid, signal.SIGKILL)
        _, _, ru = os.wait4(pid, 0)
        cpu = ru.ru_utime + ru.ru_stime
    os.close(fd)
    if t is None:
        sys.exit(f"no complete first frame from {argv}; output was {bytes(out[-400:])!r}")
    return t, cpu

progs = [("maphex", [maphex, *shlex.split(margs), path], MAPHEX_DONE, b"q")]
progs.append(("maphex diff", [maphex, "diff", path,
                                os.path.join(os.path.dirname(path), "sparse-8GiB-b.bin")],
              MAPHEX_DONE, b"q"))
if base:
    progs.append(("maphex (base)", [base, *shlex.split(margs), path], MAPHEX_DONE, b"q"))
if hexedit:
    progs.append(("hexedit", [hexedit, path], HEXEDIT_DONE, b"\x03"))

times = {name: [] for name, *_ in progs}
cpus = {name: [] for name, *_ in progs}
for name, argv, done, q in progs:
    once(argv, done, q)  # warm-up, untimed
for i in range(n):
    order = progs if i % 2 == 0 else progs[::-1]
    for name, argv, done, q in order:
        t, cpu = once(argv, done, q)
        times[name].append(t)
        cpus[name].append(cpu)

print(f"time to first frame, {COLS}x{ROWS}, 8 GiB sparse file, N={n} each, interleaved")
print(f"{'program':<16}{'median':>10}{'p25':>10}{'p75':>10}{'min':>10}{'cpu med':>10}")
med = {}
for name, ts in times.items():
    q = statistics.quantiles(ts, n=4)
    med[name] = statistics.median(ts)
    c = statistics.median(cpus[name])
    print(f"{name:<16}{med[name]*1e3:>8.2f}ms{q[0]*1e3:>8.2f}ms{q[2]*1e3:>8.2f}ms{min(ts)*1e3:>8.2f}ms{c*1e3:>8.2f}ms")
print("(cpu: the child's user + system time, whole life; less sensitive to a busy machine)")
if "hexedit" in med:
    for name in med:
        if name != "hexedit":
            print(f"ratio {name} / hexedit: {med[name] / med['hexedit']:.2f}x median, "
                  f"{min(times[name]) / min(times['hexedit']):.2f}x min, "
                  f"{statistics.median(cpus[name]) / statistics.median(cpus['hexedit']):.2f}x cpu")
PY

if command -v hyperfine >/dev/null; then
    echo
    echo "whole process, no terminal (hyperfine):"
    hyperfine -N --warmup 20 --runs 300 --style basic \
        "$MAPHEX --version" "$MAPHEX dump -l 16 $FILE" 2>&1 | grep -E 'Time|±|^Bench' || true
else
    echo "(hyperfine not installed: skipping the --version timings)"
fi
