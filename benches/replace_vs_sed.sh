#!/usr/bin/env bash
# maphex replace against GNU sed and Python's re.sub over an mmap, in one run, as ratios.
#
#   benches/replace_vs_sed.sh [SIZE_MIB]      # default 1024 (1 GiB); needs a release build
#
# Makes SIZE_MIB of lorem text (assets/lorem.txt repeated) in a temporary folder (removed
# at the end), counts the matches of `consectetuer`, then times, as the median of 3 runs on
# a warm page cache, each tool replacing every `consectetuer` by `X` into an output file:
#   maphex replace consectetuer X FILE -o OUT
#   sed 's/consectetuer/X/g' FILE > OUT
#   python3: re.sub(b"consectetuer", b"X", mmap) written to OUT
# checks that the outputs are identical (cmp) and prints the ratios. A missing tool is
# skipped with a loud line, never silently. Needs about 4 x SIZE_MIB of free space.
set -euo pipefail

size_mib=${1:-1024}
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/target/release/maphex"
runs=3
pat=consectetuer
rep=X

if [[ ! -x "$bin" ]]; then
    echo "!! $bin missing: run cargo build --release first" >&2
    exit 2
fi
command -v python3 > /dev/null || { echo "!! python3 is needed to make the input" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/maphex-replace-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
file="$tmp/lorem.txt"

echo "making $file ($size_mib MiB of assets/lorem.txt) ..."
python3 - "$here/assets/lorem.txt" "$file" "$size_mib" <<'PY'
import sys
src, path, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
unit = open(src, "rb").read()
target = mib << 20
block = unit * ((8 << 20) // len(unit) + 1)   # whole copies, so blocks join seamlessly
with open(path, "wb") as f:
    size = 0
    while size < target:
        piece = block[: target - size]
        f.write(piece)
        size += len(piece)
PY
cat "$file" > /dev/null   # warm the page cache (the outputs are written to it too)
matches=$("$bin" find --count "$pat" "$file")
echo "$matches matches of $pat"

have_sed=1; command -v sed > /dev/null || { have_sed=0; echo "!! sed not found: sed column skipped" >&2; }

# median of $runs wall-clock seconds of a shell command line writing $2; before each run
# (untimed) the output is removed and dirty pages are flushed, so no run pays for the
# truncation or the write-back of the one before
time_it() {
    local times=() t0 t1
    for _ in $(seq $runs); do
        rm -f "$2"; sync
        t0=$(date +%s.%N)
        bash -c "$1"
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
}

pyscript='import mmap, re, sys
with open(sys.argv[3], "rb") as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    out = re.sub(sys.argv[1].encode(), sys.argv[2].encode(), m)
with open(sys.argv[4], "wb") as o:
    o.write(out)'

time_it "'$bin' replace -q '$pat' '$rep' '$file' -o '$tmp/maphex.out'" "$tmp/maphex.out"; m_t=$median
s_t=-; p_t=-
if (( have_sed )); then
    time_it "sed 's/$pat/$rep/g' '$file' > '$tmp/sed.out'" "$tmp/sed.out"; s_t=$median
fi
time_it "python3 -c '$pyscript' '$pat' '$rep' '$file' '$tmp/py.out'" "$tmp/py.out"; p_t=$median

same=yes
for other in sed py; do
    if [[ -f "$tmp/$other.out" ]] && ! cmp -s "$tmp/maphex.out" "$tmp/$other.out"; then
        echo "!! outputs differ: maphex and $other" >&2
        same=no
    fi
done

gib=$(echo "$size_mib / 1024" | bc -l)
printf '%-8s %10s %10s\n' tool "median s" "x maphex"
printf '%-8s %10.3f %10s\n' maphex "$m_t" 1.00
[[ $s_t != - ]] && printf '%-8s %10.3f %10.2f\n' sed "$s_t" "$(echo "$s_t / $m_t" | bc -l)"
printf '%-8s %10.3f %10.2f\n' python "$p_t" "$(echo "$p_t / $m_t" | bc -l)"
printf '(%.2f GiB, %s matches, medians of %s runs; x maphex = how many times longer than maphex; outputs identical: %s)\n' \
    "$gib" "$matches" "$runs" "$same"
[[ $same == yes ]]
