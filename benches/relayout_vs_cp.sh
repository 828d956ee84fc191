#!/bin/sh
# Saving a one-byte insertion into a 1 GiB file with the real binary (`maphex patch
# --insert`, which saves through the length-changing saver), against `cp` of the same file
# plus a sync (what a whole rewrite costs at least). Same run, hot cache, median of 3; then
# the insertion 1 MiB before the end, where only the tail is rewritten. Needs about 3 GiB
# free in ${TMPDIR:-/tmp}.
set -eu
cd "$(dirname "$0")/.."
cargo build --release >/dev/null 2>&1
bin=target/release/maphex
dir=$(mktemp -d "${TMPDIR:-/tmp}/relayout-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
f=$dir/big.bin
head -c 1073741824 /dev/urandom >"$f"
sync "$f"
cat "$f" >/dev/null

now() { date +%s.%N; }
median() { sort -n | sed -n 2p; }

cp_times=""
start_times=""
end_times=""
for i in 1 2 3; do
    t0=$(now); cp "$f" "$dir/copy.bin"; sync "$dir/copy.bin"; t1=$(now)
    cp_times="$cp_times$(echo "$t1 - $t0" | bc)\n"
    rm -f "$dir/copy.bin"
    t0=$(now); out=$("$bin" patch "$f" --at 0 --hex 41 --insert); t1=$(now)
    start_times="$start_times$(echo "$t1 - $t0" | bc)\n"
    echo "  at 0: $(echo "$out" | tail -1)"
    "$bin" patch "$f" --at 0 --delete 1 >/dev/null
    t0=$(now); out=$("$bin" patch "$f" --at end-1048576 --hex 41 --insert); t1=$(now)
    end_times="$end_times$(echo "$t1 - $t0" | bc)\n"
    echo "  1 MiB before the end: $(echo "$out" | tail -1)"
    "$bin" patch "$f" --at end-1048577 --delete 1 >/dev/null
done
cpm=$(printf "$cp_times" | median)
stm=$(printf "$start_times" | median)
enm=$(printf "$end_times" | median)
echo "insert at 0:                  maphex $stm s, cp+sync $cpm s, ratio $(echo "scale=2; $stm / $cpm" | bc)"
echo "insert 1 MiB before the end:  maphex $enm s ($(echo "scale=3; $enm / $cpm" | bc) of cp)"
