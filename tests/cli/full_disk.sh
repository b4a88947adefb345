#!/usr/bin/env bash
# full_disk.sh - issue 17 item 1: plots are written like every other output. On a full disk (a
# 16 KiB tmpfs mounted in a scratch directory; never a system path) `--plot` used to exit 0 and
# leave an empty or truncated file in place of the previous one. Now every command's plot fails
# with exit 1 and one error line, the previous file keeps its content, and no temporary remains.
# CSV and HTML outputs are checked the same way. Needs root (mount); skipped otherwise.
# usage: bash full_disk.sh GABASIM
set -u
GS=$(realpath "${1:?usage: full_disk.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
. "$(dirname "$(realpath "$0")")/lib.sh"
# under LeakSanitizer (make test-asan) the suppressions' statistics would add lines to stderr
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"
D=$TMP/disk
mkdir -p "$D"
if ! mount -t tmpfs -o size=16k tmpfs "$D" 2> /dev/null; then
  echo "skipped: cannot mount a small tmpfs here (needs root)"
  exit 0
fi
trap 'umount "$D" 2> /dev/null; scan_nan; rm -rf "$TMP"' EXIT
printf 'study,a1,n1,a2,n2\nA,3,10,5,10\nB,4,12,6,11\n' > "$TMP/t.csv"
SIM=(simulate --drug gabapentin --dose 300mg --every 8h --days 7)

full_case() { # description, output file name (in the disk), args... (the output path is $D/NAME)
  local desc=$1 name=$2
  shift 2
  rm -f "$D"/* "$D"/.[!.]* 2> /dev/null
  echo previous > "$D/$name"
  dd if=/dev/zero of="$D/fill" bs=1k count=16 2> /dev/null # fill it: the write must fail
  "$GS" "$@" > "$TMP/out.txt" 2> "$TMP/err.txt"
  local rc=$?
  if [ $rc != 1 ]; then bad "$desc" "exit $rc, stderr '$(cat "$TMP/err.txt")'"
  elif [ "$(wc -l < "$TMP/err.txt")" != 1 ] || ! grep -q "^gabasim: error: writing '$D/$name" "$TMP/err.txt"; then
    bad "$desc" "stderr '$(cat "$TMP/err.txt")'"
  elif [ "$(cat "$D/$name")" != previous ]; then bad "$desc" "the previous file was changed"
  elif ls -a "$D" | grep -q '\.tmp\.'; then bad "$desc" "a temporary was left: $(ls -a "$D")"
  else ok "$desc"; fi
}
full_case "simulate --plot x.svg on a full disk" x.svg "${SIM[@]}" --plot "$D/x.svg"
full_case "simulate --plot x.png on a full disk" x.png "${SIM[@]}" --plot "$D/x.png"
full_case "population --plot on a full disk" p.svg population --drug gabapentin --n 50 \
  --dose 300mg --every 8h --days 2 --plot "$D/p.svg"
full_case "meta --plot on a full disk" f.svg meta "$TMP/t.csv" --plot "$D/f.svg"
full_case "trial --plot on a full disk" t.svg trial "$ROOT/examples/clbp-gabapentin-trial.json" \
  --plot "$D/t.svg"
full_case "simulate --csv on a full disk" x.csv "${SIM[@]}" --csv "$D/x.csv"
full_case "advise --html on a full disk" a.html advise --drug gabapentin --crcl 60 --n 20 \
  --html "$D/a.html"
finish
