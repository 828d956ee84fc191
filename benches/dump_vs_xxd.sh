#!/usr/bin/env bash
# Times `maphex dump FILE` against `xxd FILE` on 64 MiB of mixed data and prints the medians
# and the ratio xxd/maphex in one run (ratio > 1 means maphex is faster).
#
# The data is a quarter each of random bytes, repeated text, zeros and a repeated executable,
# so no single byte class (all printable, all dots) flatters either tool. Before timing, the
# two outputs are compared byte for byte: a fast wrong dump is not a result.
#
# Uses hyperfine when it is installed, else a loop timed with nanosecond clocks.
#
# Usage: benches/dump_vs_xxd.sh            (from anywhere inside the repository)
#   RUNS=9 SIZE_MIB=256 benches/dump_vs_xxd.sh
#   MAPHEX_BIN=path/to/maphex benches/dump_vs_xxd.sh   (skips the build; times that binary)
set -euo pipefail

RUNS="${RUNS:-5}"
SIZE_MIB="${SIZE_MIB:-64}"

die() {
    echo "dump_vs_xxd: $*" >&2
    exit 1
}

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
[[ "$SIZE_MIB" =~ ^[1-9][0-9]*$ ]] && ((SIZE_MIB % 4 == 0)) ||
    die "SIZE_MIB must be a positive multiple of 4, got '$SIZE_MIB'"
command -v xxd >/dev/null || die "xxd is not on PATH; install it (vim-common or xxd package)"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if [[ -n "${MAPHEX_BIN:-}" ]]; then
    maphex="$MAPHEX_BIN"
else
    echo "building the release binary..." >&2
    cargo build --release --quiet
    # Honour CARGO_TARGET_DIR and config overrides rather than assuming ./target.
    target_dir="$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
    maphex="${target_dir:-$repo/target}/release/maphex"
fi
[[ -x "$maphex" ]] || die "no executable at $maphex"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dump_vs_xxd.XXXXXX")"
cleanup() { rm -rf -- "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# A missing `dump` subcommand shows up here, before minutes of data making and timing.
if ! "$maphex" dump "$repo/assets/lorem.txt" >"$tmp/probe.txt" 2>"$tmp/probe.err"; then
    cat "$tmp/probe.err" >&2
    die "'$maphex dump FILE' failed; is the dump subcommand wired up?"
fi
[[ -s "$tmp/probe.txt" ]] || die "'$maphex dump FILE' printed nothing; is the dump subcommand wired up?"

# Writes exactly BYTES bytes of FILE repeated. Doubling a seed copy keeps this to a few dozen
# processes even for a 737-byte seed (one `cat` per repetition took minutes).
repeat_to() { # file bytes
    local seed="$tmp/seed.$RANDOM" size
    cat -- "$1" >"$seed"
    size="$(wc -c <"$seed" | tr -d ' ')"
    ((size > 0)) || die "cannot repeat the empty file $1"
    while ((size < $2)); do
        cat -- "$seed" "$seed" >"$seed.2"
        mv -- "$seed.2" "$seed"
        size=$((size * 2))
    done
    head -c "$2" -- "$seed"
    rm -f -- "$seed"
}

quarter=$((SIZE_MIB * 1024 * 1024 / 4))
data="$tmp/mixed.bin"
echo "making $SIZE_MIB MiB of mixed data in $tmp..." >&2
{
    head -c "$quarter" /dev/urandom
    repeat_to "$repo/assets/lorem.txt" "$quarter"
    head -c "$quarter" /dev/zero
    repeat_to "$maphex" "$quarter"
} >"$data"
size="$(wc -c <"$data" | tr -d ' ')"
((size == quarter * 4)) || die "made $size bytes instead of $((quarter * 4))"

# Correctness first: a fast wrong dump is not a result. Compared through pipes, so the
# ~300 MB of text per tool never touches the disk; a crash on either side shows as a diff.
if ! first_diff="$(cmp <("$maphex" dump "$data") <(xxd "$data") 2>&1)"; then
    die "maphex dump and xxd disagree on the test data: $first_diff"
fi
echo "outputs identical on $size bytes" >&2

median_of() { # numbers on stdin -> median
    sort -n | awk '{ v[NR] = $1 } END {
        if (NR == 0) exit 1
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

report() { # name_a seconds_a name_b seconds_b
    awk -v a="$1" -v ta="$2" -v b="$3" -v tb="$4" -v mib="$SIZE_MIB" -v runs="$RUNS" 'BEGIN {
        printf "%-8s median %8.3f s  %8.1f MiB/s\n", a, ta, mib / ta
        printf "%-8s median %8.3f s  %8.1f MiB/s\n", b, tb, mib / tb
        printf "ratio xxd/maphex = %.2f  (%d runs each, %d MiB, output to /dev/null)\n",
            tb / ta, runs, mib }'
}

q_maphex="$(printf '%q' "$maphex")"
q_data="$(printf '%q' "$data")"

if command -v hyperfine >/dev/null; then
    hyperfine --style basic --warmup 1 --runs "$RUNS" \
        --export-csv "$tmp/hyperfine.csv" \
        -n maphex "$q_maphex dump $q_data" \
        -n xxd "xxd $q_data" >&2
    # Find the median column by name: hyperfine 1.x writes `median`, newer releases
    # `time_wall_clock_median` (in seconds either way).
    median_from_csv() { # command-name
        awk -F, -v name="$1" '
            NR == 1 { for (i = 1; i <= NF; i++)
                          if ($i == "median" || $i == "time_wall_clock_median") col = i
                      next }
            col && $1 == name { print $col }' "$tmp/hyperfine.csv"
    }
    t_maphex="$(median_from_csv maphex)"
    t_xxd="$(median_from_csv xxd)"
    [[ -n "$t_maphex" && -n "$t_xxd" ]] || die "could not read medians from hyperfine's CSV"
    report maphex "$t_maphex" xxd "$t_xxd"
    exit 0
fi

if [[ "$(date +%N)" =~ ^[0-9]+$ ]]; then
    now_ns() { date +%s%N; }
elif command -v perl >/dev/null; then
    now_ns() { perl -MTime::HiRes=time -e 'printf "%.0f\n", time * 1e9'; }
else
    die "need hyperfine, GNU date (+%N) or perl to time runs"
fi

time_once() { # command... -> nanoseconds on stdout
    local start end
    start="$(now_ns)"
    "$@" >/dev/null
    end="$(now_ns)"
    echo $((end - start))
}

echo "hyperfine not found; timing $RUNS runs each with a shell loop (1 warm-up each)" >&2
time_once "$maphex" dump "$data" >/dev/null
time_once xxd "$data" >/dev/null
: >"$tmp/maphex.ns"
: >"$tmp/xxd.ns"
for ((i = 1; i <= RUNS; i++)); do
    # Alternate the tools so drift (thermal, other load) hits both alike.
    time_once "$maphex" dump "$data" >>"$tmp/maphex.ns"
    time_once xxd "$data" >>"$tmp/xxd.ns"
    echo "  run $i/$RUNS done" >&2
done
t_maphex="$(median_of <"$tmp/maphex.ns" | awk '{ print $1 / 1e9 }')"
t_xxd="$(median_of <"$tmp/xxd.ns" | awk '{ print $1 / 1e9 }')"
report maphex "$t_maphex" xxd "$t_xxd"
