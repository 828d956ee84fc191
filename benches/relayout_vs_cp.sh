#!/bin/sh
# Saving a one-byte insertion into a 1 GiB file with maphex's relayout saver, against `cp`
# of the same file plus an fsync (what a naive rewrite costs at least). Same run, hot cache,
# median of 3. Needs about 3 GiB free in ${TMPDIR:-/tmp}.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --example relayout_bench >/dev/null 2>&1
bin=target/release/examples/relayout_bench
dir=$(mktemp -d "${TMPDIR:-/tmp}/relayout-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
f=$dir/big.bin
head -c 1073741824 /dev/urandom >"$f"
sync "$f"
cat "$f" >/dev/null

now() { date +%s.%N; }
median() { sort -n | sed -n 2p; }

cp_times=""
save_times=""
for i in 1 2 3; do
    t0=$(now); cp "$f" "$dir/copy.bin"; sync "$dir/copy.bin"; t1=$(now)
    cp_times="$cp_times$(echo "$t1 - $t0" | bc)\n"
    rm -f "$dir/copy.bin"
    line=$("$bin" "$f" start)
    echo "  $line"
    save_times="$save_times$(echo "$line" | sed 's/.* in \([0-9.]*\) s.*/\1/')\n"
done
cpm=$(printf "$cp_times" | median)
svm=$(printf "$save_times" | median)
echo "insert at 0:   relayout $svm s, cp+fsync $cpm s, ratio $(echo "scale=2; $svm / $cpm" | bc)"
for i in 1 2 3; do
    echo "  $("$bin" "$f" end)"
done
