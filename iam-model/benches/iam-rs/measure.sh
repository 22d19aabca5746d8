#!/bin/sh
# Whole-process validation of a directory of policies: rolewright's `xtask validate DIR` (every
# core) against iam-rs 0.8 (one thread; it has no directory mode), alternately, ROUNDS times
# each, wall clock in milliseconds. Usage:
#   measure.sh XTASK IAMRS DIR [ROUNDS]
# where XTASK is a release build of xtask and IAMRS the comparison binary built from
# main.rs.txt (see README.md). Prints one line per run and the best of each.
set -eu
xtask=$1 iamrs=$2 dir=$3 rounds=${4:-5}
now() { date +%s%N; }
best_r=999999999 best_i=999999999
i=0
while [ "$i" -lt "$rounds" ]; do
    t0=$(now); NO_COLOR=1 "$xtask" validate "$dir" > /dev/null || true; t1=$(now)
    r=$(( (t1 - t0) / 1000000 ))
    t0=$(now); "$iamrs" "$dir" > /dev/null; t1=$(now)
    s=$(( (t1 - t0) / 1000000 ))
    echo "round $i: rolewright ${r} ms, iam-rs ${s} ms"
    [ "$r" -lt "$best_r" ] && best_r=$r
    [ "$s" -lt "$best_i" ] && best_i=$s
    i=$((i + 1))
done
echo "best: rolewright ${best_r} ms, iam-rs ${best_i} ms"
