#!/usr/bin/env bash
# maphex find against ripgrep and Python's re over mmap, in one run, as ratios (issue 10).
#
#   benches/search_vs_rg.sh [SIZE_MIB]      # default 1024 (1 GiB); needs a release build
#
# Generates a lorem-like text file under /tmp (random words, about 12 % newlines, blocks
# of 8 MiB of random words each with its lines shuffled anew; kept for later runs), then for each pattern times, as the median of 3 runs on a warm page cache:
#   maphex find --count PAT FILE            (every core; MAPHEX_THREADS is not a thing:
#                                            single-thread numbers come from taskset -c 0)
#   rg -a --no-unicode --count-matches PAT FILE
#   python3: len(re.findall(PAT_bytes, mmap))   (re over a bytes mmap)
# and prints the match counts (which must agree) and the ratios. A missing tool is skipped
# with a loud line, never silently.
set -euo pipefail

size_mib=${1:-1024}
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/target/release/maphex"
file="/tmp/maphex-bench-lorem-${size_mib}m.txt"
runs=3

if [[ ! -x "$bin" ]]; then
    echo "!! $bin missing: run cargo build --release first" >&2
    exit 2
fi

if [[ ! -f "$file" ]]; then
    echo "generating $file ($size_mib MiB) ..."
    python3 - "$file" "$size_mib" <<'PY'
import random, sys
path, mib = sys.argv[1], int(sys.argv[2])
words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua nulla facilisi Donec pellentesque "
         "vitae mauris sem aliquam erat volutpat curabitur").split()
vocab = words + [w.capitalize() for w in words[:8]]          # about 12 % capitalised
seps = [b" "] * 7 + [b"\n"]                                 # about 12 % newlines
rng = random.Random(10)
target = mib << 20
# 8 MiB of distinct random words, then the file is that many blocks, each a fresh
# permutation of its lines (fast, and no two blocks are the same).
n = (8 << 20) // 7
toks = rng.choices([w.encode() for w in vocab], k=n)
sep = rng.choices(seps, k=n)
block = b"".join(t + s for t, s in zip(toks, sep))
lines = block.split(b"\n")
with open(path, "wb") as f:
    size = 0
    while size < target:
        rng.shuffle(lines)
        chunk = b"\n".join(lines) + b"\n"
        f.write(chunk)
        size += len(chunk)
    f.truncate(target)
PY
fi
cat "$file" > /dev/null   # warm the page cache

have_rg=1; command -v rg > /dev/null || { have_rg=0; echo "!! rg not found: ripgrep columns skipped (apt-get install ripgrep)" >&2; }
have_py=1; command -v python3 > /dev/null || { have_py=0; echo "!! python3 not found: Python columns skipped" >&2; }

# median of $runs wall-clock seconds of a command; its last stdout line goes to $out
time_it() {
    local times=() t0 t1
    for _ in $(seq $runs); do
        t0=$(date +%s.%N)
        out=$("$@" | tail -n 1)
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
}

pyscript='import mmap, re, sys
with open(sys.argv[2], "rb") as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    print(sum(1 for _ in re.finditer(sys.argv[1].encode(), m)))'

gib=$(echo "$size_mib / 1024" | bc -l)
printf '%-22s %12s %9s %9s %9s %9s %9s %9s %9s\n' pattern matches "maphex s" "1-core s" "rg s" "py s" "GB/s" "x 1-core" "x rg"
for pat in '[A-Z][a-z]+ [a-z]+' 'facilisi' '(?i)nulla\w*' '\bdolor\b'; do
    time_it "$bin" find --count "$pat" "$file"; m_t=$median; m_n=$out
    time_it taskset -c 0 "$bin" find --count "$pat" "$file"; s_t=$median; s_n=$out
    r_t=-; r_n=-; p_t=-; p_n=-
    if (( have_rg )); then time_it rg -a --no-unicode --count-matches "$pat" "$file"; r_t=$median; r_n=$out; fi
    if (( have_py )); then time_it python3 -c "$pyscript" "$pat" "$file"; p_t=$median; p_n=$out; fi
    gbs=$(echo "$size_mib * 1048576 / $m_t / 1000000000" | bc -l)
    x1=$(echo "$s_t / $m_t" | bc -l)
    xr=-; [[ $r_t != - ]] && xr=$(printf '%.2f' "$(echo "$r_t / $m_t" | bc -l)")
    printf '%-22s %12s %9.3f %9.3f %9s %9s %9.2f %9.2f %9s\n' "$pat" "$m_n" "$m_t" "$s_t" "$r_t" "$p_t" "$gbs" "$x1" "$xr"
    for other in "$s_n" "$r_n" "$p_n"; do
        if [[ $other != - && $other != "$m_n" ]]; then
            echo "!! counts differ for $pat: maphex $m_n, other $other (1-core $s_n, rg $r_n, python $p_n)" >&2
        fi
    done
    [[ $p_t != - ]] && printf '%-22s python/maphex %.2f\n' "" "$(echo "$p_t / $m_t" | bc -l)"
done
echo "(${gib} GiB; medians of $runs runs; x = how many times faster maphex is)"
