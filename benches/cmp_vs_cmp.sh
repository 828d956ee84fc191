#!/usr/bin/env bash
# maphex cmp against GNU cmp, in one run, as ratios (issue 13).
#
#   benches/cmp_vs_cmp.sh [SIZE_MIB]      # default 1024 (1 GiB); needs a release build
#
# Makes, under /tmp and deleted on exit, a file of SIZE_MIB MiB of random bytes (real
# bytes, not sparse), a second copy of it (written out, not a reflink), and a third that is
# the first with 100 bytes inserted in the middle. Then, as the median of 3 runs each on a
# warm page cache:
#   identical files:  maphex cmp A A2          (insertion-aware, every core)
#                     maphex cmp --no-align A A2
#                     taskset -c 0 maphex cmp A A2   (one core)
#                     GNU cmp A A2             (32 KiB reads, one core)
#   100-byte insert:  maphex cmp A C           (must report one insertion)
# and prints the ratios: GNU cmp / maphex on identical files (target >= 1), and
# maphex on the insertion / maphex on identical files (target < 2).
set -euo pipefail

size_mib=${1:-1024}
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/target/release/maphex"
dir=$(mktemp -d /tmp/maphex-cmp-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
a="$dir/a" a2="$dir/a2" c="$dir/c"
runs=3

if [[ ! -x "$bin" ]]; then
    echo "!! $bin missing: run cargo build --release first" >&2
    exit 2
fi
have_cmp=1; command -v cmp > /dev/null || { have_cmp=0; echo "!! cmp not found: GNU cmp column skipped (apt-get install diffutils)" >&2; }

echo "generating $size_mib MiB of random bytes in $dir ..."
head -c "$((size_mib << 20))" /dev/urandom > "$a"
cat "$a" > "$a2"
half=$((size_mib << 19))
{ head -c "$half" "$a"; head -c 100 /dev/zero | tr '\0' 'X'; tail -c "+$((half + 1))" "$a"; } > "$c"
sync   # let the write-back finish first: it would be timed with the first runs
cat "$a" "$a2" "$c" > /dev/null   # warm the page cache

# median of $runs wall-clock seconds of a command (exit 0 or 1 both fine); stdout to $out
time_it() {
    local times=() t0 t1
    "$@" > /dev/null || true   # one run untimed: page tables, caches
    for _ in $(seq $runs); do
        t0=$(date +%s.%N)
        out=$("$@" || [[ $? == 1 ]])
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
}

time_it "$bin" cmp "$a" "$a2"; m_same=$median
[[ -z $out ]] || echo "!! maphex cmp reported differences between identical files: $out" >&2
time_it "$bin" cmp --no-align "$a" "$a2"; m_noalign=$median
time_it taskset -c 0 "$bin" cmp "$a" "$a2"; m_one=$median
g_same=-
if (( have_cmp )); then time_it cmp "$a" "$a2"; g_same=$median; fi
time_it "$bin" cmp "$a" "$c"; m_ins=$median
want="$(printf '%08x' "$half") 0 $(printf '%08x' "$half") 100  -  $(printf '58%.0s' $(seq 32))…"
[[ $out == "$want" ]] || echo "!! insertion reported as: ${out:0:300}" >&2

gbs() { echo "$size_mib * 1048576 / $1 / 1000000000" | bc -l; }
printf '%-34s %9s %9s\n' case seconds "GB/s"
printf '%-34s %9.3f %9.2f\n' "maphex cmp, identical" "$m_same" "$(gbs "$m_same")"
printf '%-34s %9.3f %9.2f\n' "maphex cmp --no-align, identical" "$m_noalign" "$(gbs "$m_noalign")"
printf '%-34s %9.3f %9.2f\n' "maphex cmp, identical, 1 core" "$m_one" "$(gbs "$m_one")"
[[ $g_same != - ]] && printf '%-34s %9.3f %9.2f\n' "GNU cmp, identical" "$g_same" "$(gbs "$g_same")"
printf '%-34s %9.3f %9.2f\n' "maphex cmp, 100-byte insertion" "$m_ins" "$(gbs "$m_ins")"
[[ $g_same != - ]] && printf 'GNU cmp / maphex cmp (identical):    %.2f  (target >= 1)\n' "$(echo "$g_same / $m_same" | bc -l)"
[[ $g_same != - ]] && printf 'GNU cmp / maphex 1 core (identical):  %.2f\n' "$(echo "$g_same / $m_one" | bc -l)"
printf 'insertion / identical (maphex):      %.2f  (target < 2)\n' "$(echo "$m_ins / $m_same" | bc -l)"
echo "($size_mib MiB; medians of $runs runs; $(nproc) cores)"
