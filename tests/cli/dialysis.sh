#!/usr/bin/env bash
# dialysis.sh - haemodialysis through the real binary: --dialysis shows the sessions it models
# (schedule, supplement, weekly steady state, no nan), --crcl near 0 agrees with it between
# sessions (Neurontin label 12.3: half-life about 132 h off dialysis), the plot shades sessions,
# and bad --hd-schedule values are one-line usage errors naming the field.
# usage: bash dialysis.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: dialysis.sh PATH_TO_GABASIM}")
. "$(dirname "$(realpath "$0")")/lib.sh"

SIM=(simulate --drug gabapentin --dose 300mg --every 24h --days 14)
"$GS" "${SIM[@]}" --dialysis > "$TMP/d.txt" 2> "$TMP/e.txt" \
  && ok "--dialysis exits 0" || bad "--dialysis exits 0" "$(cat "$TMP/e.txt")"
expect_in "sessions are said to be modelled" "Haemodialysis sessions modelled: 3 sessions a week of 4 h (days 1, 3, 5" "$TMP/d.txt"
expect_in "the label's supplement (300 mg/day column: 350 mg)" "350 mg supplement as each session ends" "$TMP/d.txt"
expect_in "pre/post levels" "before / after each session" "$TMP/d.txt"
expect_in "weekly, not per dose" "periodic over a week" "$TMP/d.txt"
expect_in "half-life off sessions" "132.03 h (elimination half-life 132.03 h) between sessions" "$TMP/d.txt"
expect_in "half-life during a session (label: about 3.8 h)" "half-life during a session 3.80 h" "$TMP/d.txt"
grep -qi 'nan' "$TMP/d.txt" && bad "no nan" "$(grep -i nan "$TMP/d.txt")" || ok "no nan in the dialysis summary"
grep -q 'Steady state (300 mg every 24 h)' "$TMP/d.txt" \
  && bad "no per-dose steady state" "printed" || ok "no per-dose steady state claimed"

# CrCl near 0 clears as an anuric patient between sessions (the anuric floor)
for c in 0.5 0.01; do
  "$GS" "${SIM[@]}" --crcl $c > "$TMP/c.txt"
  expect_in "--crcl $c: the anuric half-life" "132.03 h (elimination half-life 132.03 h)" "$TMP/c.txt"
done

# a schedule: 2 sessions of 5 h from day 2, 200 mg after each; none: no sessions
"$GS" "${SIM[@]}" --dialysis --hd-schedule sessions=2,length=5h,day=2,supplement=200mg > "$TMP/s.txt"
expect_in "custom schedule" "2 sessions a week of 5 h (days 2, 5 of each week" "$TMP/s.txt"
expect_in "custom supplement" "200 mg supplement" "$TMP/s.txt"
"$GS" "${SIM[@]}" --dialysis --hd-schedule none > "$TMP/n.txt"
grep -q 'Haemodialysis sessions modelled' "$TMP/n.txt" && bad "none" "sessions shown" || ok "--hd-schedule none models no sessions"

# the plot shades the sessions
"$GS" "${SIM[@]}" --dialysis --plot "$TMP/p.svg" > /dev/null
# (count the session bands' fill, #2CA02C: 6 in 14 days, plus the legend's sample)
n=$(grep -c '2CA02C' "$TMP/p.svg")
[ "$n" = 7 ] && ok "plot shades the 6 sessions" || bad "plot shades the 6 sessions" "$n bands"

# population and advise run with sessions
"$GS" population --drug pregabalin --dialysis --dose 25mg --every 24h --days 7 --n 20 > "$TMP/pop.txt" 2>&1 \
  && ok "population --dialysis" || bad "population --dialysis" "$(cat "$TMP/pop.txt")"
"$GS" advise --drug gabapentin --dialysis --n 20 --days 7 > "$TMP/a.txt" 2>&1 \
  && ok "advise --dialysis" || bad "advise --dialysis" "$(cat "$TMP/a.txt")"
expect_in "advise: the supplement after each session" "after each dialysis session: 125 mg (2.5 mL of 50 mg/mL oral solution) as each session" "$TMP/a.txt"
expect_in "advise: the weekly steady state with the sessions" "weekly steady state with the dialysis sessions" "$TMP/a.txt"
expect_in "advise: sessions modelled" "haemodialysis modelled: 3 sessions a week" "$TMP/a.txt"

usage_err "sessions out of range" "'--hd-schedule' field 'sessions' is '9'" "${SIM[@]}" --dialysis --hd-schedule sessions=9
usage_err "length out of range" "'--hd-schedule' field 'length' is '13h'" "${SIM[@]}" --dialysis --hd-schedule length=13h
usage_err "start out of range" "'--hd-schedule' field 'start' is '25h'" "${SIM[@]}" --dialysis --hd-schedule start=25h
usage_err "day out of range" "'--hd-schedule' field 'day' is '8'" "${SIM[@]}" --dialysis --hd-schedule day=8
usage_err "unknown key" "'--hd-schedule' field 'speed' is unknown" "${SIM[@]}" --dialysis --hd-schedule speed=1
usage_err "bad supplement" "'--hd-schedule' field 'supplement' is 'lots'" "${SIM[@]}" --dialysis --hd-schedule supplement=lots
usage_err "not KEY=VALUE" "KEY=VALUE" "${SIM[@]}" --dialysis --hd-schedule sessions
usage_err "needs --dialysis" "'--hd-schedule' needs '--dialysis'" "${SIM[@]}" --crcl 10 --hd-schedule sessions=3
usage_err "no steady-state start with sessions" "'--start-steady'" "${SIM[@]}" --dialysis --start-steady

finish
