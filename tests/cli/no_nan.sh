#!/usr/bin/env bash
# no_nan.sh - text outputs of edge cases (a single dose, one dose a day for a day, spans shorter
# than a dosing interval, one subject, a one-day horizon, dialysis, CrCl near zero) print words,
# never nan or inf, and singular and plural agree ("1 dose", not "1 doses") (issue 10, item 8).
# usage: bash no_nan.sh GABASIM
set -u
GS=$(realpath "${1:?usage: no_nan.sh PATH_TO_GABASIM}")
. "$(dirname "$(realpath "$0")")/lib.sh"
i=0
check() { # args...: gabasim succeeds; its text has no nan/inf and no "1 <plural>"
  i=$((i + 1))
  local out="$TMP/$i.txt"
  if ! "$GS" "$@" > "$out" 2> "$TMP/$i.err"; then
    bad "$*" "exit $?: $(cat "$TMP/$i.err")"
    return
  fi
  local hit
  hit=$(grep -nEi '(^|[^a-z/])-?(nan|inf)([^a-z/]|$)' "$out" | head -2)
  if [ -n "$hit" ]; then bad "$* prints no nan/inf" "$hit"; else ok "$* prints no nan/inf"; fi
  hit=$(grep -nE '(^|[^0-9.])1 (doses|days|subjects|patients|hours|weeks|sessions|times)([^a-z]|$)' "$out" | head -2)
  if [ -n "$hit" ]; then bad "$*: singular agrees" "$hit"; else ok "$*: singular agrees"; fi
}
check simulate --drug gabapentin --dose 600mg --doses 1
check simulate --drug gabapentin --dose 600mg --doses 1 --crcl 0.5
# issue 17 item 9's audit: CrCl 1e-20 gave "singular Jacobian" (gabapentin) and "output times must
# be finite and ascending" (pregabalin); clearance now stops at the anuric floor
check simulate --drug gabapentin --dose 300mg --every 8h --days 2 --crcl 1e-20
check simulate --drug pregabalin --dose 75mg --every 12h --days 2 --crcl 1e-20 --json
check simulate --drug gabapentin --dose 600mg --every 24h --days 1
check simulate --drug pregabalin --dose 75mg --every 12h --days 0.25
check simulate --drug gabapentin --dose 300mg --every 8h --days 0.1
check simulate --drug gabapentin --dose 300mg --every 8h --days 1 --start-steady
check simulate --drug gabapentin --dialysis --dose 300mg --every 24h --days 3
check simulate --drug pregabalin --dose 150mg --doses 1 --json
check population --drug gabapentin --dose 600mg --doses 1 --n 10
check population --drug gabapentin --dose 600mg --every 24h --days 1 --n 10
check population --drug gabapentin --dose 600mg --every 24h --days 0.2 --n 10
check population --drug gabapentin --dose 600mg --every 8h --days 2 --n 1
check advise --drug gabapentin --crcl 60 --days 1
check advise --drug gabapentin --crcl 60 --days 1 --pain radicular
check advise --drug pregabalin --crcl 10 --days 1 --n 10
check advise --drug gabapentin --dialysis --days 2 --pain phn
check advise --drug gabapentin --crcl 90 --dose 600mg --every 24h --days 1
finish
