#!/usr/bin/env bash
# advise.sh - `gabasim advise` through the real binary: the label's renal regimen, the check of
# a proposed regimen, JSON, and bad input. usage: bash advise.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: advise.sh PATH_TO_GABASIM}")
. "$(dirname "$(realpath "$0")")/lib.sh"

# Neurontin label 2.4: CrCl 30-59 -> 200 mg twice a day as the first column
"$GS" advise --drug gabapentin --crcl 45 --n 100 > "$TMP/a.txt" 2> "$TMP/e.txt" \
  && ok "advise exits 0" || bad "advise exits 0" "$(cat "$TMP/e.txt")"
expect_in "CrCl 45: 200 mg twice a day" "200 mg twice a day" "$TMP/a.txt"
expect_in "the clinician notice" "does not replace" "$TMP/a.txt"
# CrCl 100, target 1800 mg/day -> 600 mg three times a day, after the label's day 1-3 titration
"$GS" advise --drug gabapentin --crcl 100 --target 1800mg --n 100 > "$TMP/b.txt"
expect_in "target 1800: 600 mg TID" "600 mg three times a day" "$TMP/b.txt"
expect_in "titration day 3" "from day 3   300 mg x 3 a day" "$TMP/b.txt"
# a proposed regimen above the band is flagged, not an error
"$GS" advise --drug gabapentin --crcl 45 --dose 600mg --every 8h --n 100 > "$TMP/c.txt" \
  && ok "proposed regimen outside the label: exit 0" || bad "proposed regimen exit" "$?"
expect_in "above-label dose flagged" "WARNING maintenance 1800 mg/day is above the label's 1400" "$TMP/c.txt"
# haemodialysis: the supplement
"$GS" advise --drug gabapentin --dialysis --n 100 > "$TMP/d.txt"
expect_in "dialysis supplement" "plus 125 mg after each 4-h session" "$TMP/d.txt"
# JSON parses and holds the plan
"$GS" advise --drug pregabalin --crcl 45 --target 300mg --json --n 100 > "$TMP/j.json"
if /usr/bin/env python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["recommended"]; assert r["daily_mg"]==300 and r["per_day"]==3 and r["form"]=="1 x 100 mg capsule" and d["calendar"][0]["dose_mg"]*d["calendar"][0]["per_day"]==75, d' "$TMP/j.json" 2> "$TMP/je.txt"; then
  # Lyrica 2.7 Table 1, CrCl 30-60: start 75 mg/day, BID or TID; 37.5 mg is no capsule, so 25 mg
  # TID, and the same three doses a day to 300 mg/day (100 mg TID)
  ok "JSON: pregabalin CrCl 45, 75 mg/day start, 300 mg/day as 100 mg TID"
else
  bad "JSON" "$(cat "$TMP/je.txt")"
fi

# co-medications: the respiratory-depression warning, the modelled change, the antacid timing
"$GS" advise --drug gabapentin --crcl 80 --with morphine --with antacid-al-mg --n 100 > "$TMP/w.txt" \
  && ok "advise --with exits 0" || bad "advise --with exit" "$?"
expect_in "opioid warning" "respiratory depression" "$TMP/w.txt"
expect_in "morphine modelled" "morphine: ktr x" "$TMP/w.txt"
expect_in "antacid assumption stated" "assumed: antacid-al-mg taken together with every dose" "$TMP/w.txt"

# a strong CYP1A2 inhibitor does nothing to gabapentin (renal, not metabolised; label 12.3) but
# makes tizanidine contraindicated (Granfors 2004, reference 7.2): both must be said
"$GS" advise --drug gabapentin --crcl 80 --with fluvoxamine --n 50 > "$TMP/cyp.txt"
expect_in "fluvoxamine: no interaction with gabapentin" "no interaction with gabapentin" "$TMP/cyp.txt"
expect_in "fluvoxamine: tizanidine contraindicated" "CONTRAINDICATED with fluvoxamine or ciprofloxacin" "$TMP/cyp.txt"

# pain relief: non-radicular CLBP is calibrated to Shanthanna 2017 (MD -0.22, -0.5 to 0.07)
"$GS" advise --drug gabapentin --crcl 90 --target 1800mg --pain nonradicular-clbp --days 84 --n 100 > "$TMP/p.txt"
expect_in "CLBP relief near the pooled -0.22" "after 84 days: -0.21" "$TMP/p.txt"
expect_in "the range crossing 0 is explained" "could not show a benefit" "$TMP/p.txt"

# Out-of-sample check of the pain dose-response: Emax was calibrated to Dworkin 2003 (600 mg/day)
# only, and the EC50 comes from the epilepsy exposure-response (an assumption). Sabatowski 2004
# (pregabalin PHN, 8 weeks; docs/reference.md section 3.4) found MD -1.20 at 150 mg/day and -1.57 at
# 300 mg/day. The published CIs are not in the reference, so the test asks that each published MD
# lie inside the model's range (from Dworkin's 95 % CI) and that the model's central value be
# within 0.3 points of it (about half the width of Dworkin's CI on one side).
for spec in "150:-1.20" "300:-1.57"; do
  dose=${spec%%:*}; md=${spec#*:}
  "$GS" advise --drug pregabalin --crcl 90 --target ${dose}mg --pain phn --days 56 --json --n 50 > "$TMP/sab.json"
  if /usr/bin/env python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["pain"]["difference_from_placebo_end"]; md=float(sys.argv[2]); assert p[0] <= md <= p[2] and abs(p[1]-md) <= 0.3, (p, md)' "$TMP/sab.json" "$md" 2> "$TMP/sabe.txt"; then
    ok "pregabalin PHN ${dose} mg/day against Sabatowski 2004 MD $md"
  else
    bad "Sabatowski ${dose} mg/day" "$(tail -1 "$TMP/sabe.txt")"
  fi
done

# time to full effect: the issue (and the labels' titration schedules) put it at 1-2 weeks; the
# model's 90 % day must fall in days 7-14 on the label calendar to 1800 mg/day, and a 7-day
# horizon, still rising, must not claim a full-effect day
"$GS" advise --drug gabapentin --crcl 90 --target 1800mg --pain phn --days 42 --json --n 50 > "$TMP/full.json"
if /usr/bin/env python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["pain"]; assert 7 <= p["ninety_percent_effect_day"] <= 14 and p["half_effect_day"] < p["ninety_percent_effect_day"], p' "$TMP/full.json" 2> "$TMP/fulle.txt"; then
  ok "90 % of the full effect within 1-2 weeks"
else
  bad "full-effect day" "$(tail -1 "$TMP/fulle.txt")"
fi
"$GS" advise --drug gabapentin --crcl 90 --target 1800mg --pain phn --days 7 --n 50 > "$TMP/full7.txt"
expect_in "a short horizon says the effect is still rising" "not yet at its full effect by day 7" "$TMP/full7.txt"

# responders, out of sample: Sabatowski 2004 (pregabalin PHN, 8 weeks) found >= 50 % pain
# reduction in 26 % (150 mg/day, n = 81) and 28 % (300 mg/day, n = 76) vs 10 % on placebo (n = 81)
# (abstract; arm sizes from the Cochrane review's table of included studies, PMC4167351). The
# model's Emax was calibrated to Dworkin 2003's mean difference and its between-person spread to
# Dworkin 2003's responder differences (drug minus placebo), not to Sabatowski. The placebo course
# is Plan 2012's, not this trial's placebo arm (10 % here, 20 % in Dworkin 2003), so the check is
# on the difference drug minus placebo: within 2 SE of the published difference (SE from both
# arms' binomial variances), and the placebo rate within 2 SE of 10 %.
for pair in 150:0.26:81 300:0.28:76; do
  IFS=: read -r dose want n <<< "$pair"
  "$GS" advise --drug pregabalin --crcl 90 --target ${dose}mg --pain phn --days 56 --json --n 50 > "$TMP/resp.json"
  if /usr/bin/env python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["pain"]["responders_50pct"]; w=float(sys.argv[2]); n=float(sys.argv[3]); se=(w*(1-w)/n+0.09/81)**0.5; d=p["drug"]; assert abs((d[1]-p["placebo"])-(w-0.10)) <= 2*se and abs(p["placebo"]-0.10) <= 2*(0.09/81)**0.5, p' "$TMP/resp.json" "$want" "$n" 2> "$TMP/respe.txt"; then
    ok "Sabatowski 2004 >= 50 % responders at $dose mg/day ($want vs 0.10): difference within 2 SE"
  else bad "responders $dose" "$(tail -1 "$TMP/respe.txt")"; fi
done
# >= 30 % responders, also out of sample: Cochrane's gabapentin review (Wiffen 2017, CD007938,
# summary of findings for PHN, gabapentin >= 1800 mg/day, 8 studies, 2260 participants): at least
# moderate benefit 460 vs 250 per 1000 (printed "46 per 1000", read with its RR 1.8), i.e. 46 % vs
# 25 %. gabasim borrows pregabalin's Emax for gabapentin in PHN (an
# assumption); its difference at 1800 mg/day after 8 weeks must lie within 2 SE of 21 points
# (SE with about 1130 per arm, 2 points) widened by the model's own range: the published
# difference must fall inside [low - 2 SE, high + 2 SE] of the model's range.
"$GS" advise --drug gabapentin --crcl 90 --target 1800mg --pain phn --days 56 --json --n 50 > "$TMP/resp30.json"
if /usr/bin/env python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["pain"]["responders_30pct"]; d=p["drug"]; pl=p["placebo"]; se=(0.46*0.54/1130+0.25*0.75/1130)**0.5; assert d[0]-pl-2*se <= 0.21 <= d[2]-pl+2*se, p' "$TMP/resp30.json" 2> "$TMP/resp30e.txt"; then
  ok "Wiffen 2017 >= 30 % responders (gabapentin PHN, 46 % vs 25 %) inside the model's range"
else bad "responders 30 gabapentin phn" "$(tail -1 "$TMP/resp30e.txt")"; fi
# JSON carries the pain relief, the side effects and the interaction notes
"$GS" advise --drug gabapentin --crcl 80 --pain radicular --with morphine --json --n 100 > "$TMP/k.json"
if /usr/bin/env python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["pain"]["type"]=="radicular" and "dizziness" in d["side_effects_cumulative"]["events"] and any("respiratory" in n for n in d["interaction_notes"]), d' "$TMP/k.json" 2> "$TMP/ke.txt"; then
  ok "JSON: pain, side effects and interaction notes"
else
  bad "JSON sections" "$(cat "$TMP/ke.txt" | tail -2)"
fi
expect_in "side-effect table in text" "Side effects: chance of having had each by day" "$TMP/w.txt"

# day-by-day side effects over the titration: cumulative, so never falling; they agree with the
# day-3/7 table; the fall-relevant series is at least each of its two parts and at most their sum;
# a 10-day horizon labels its third column day 10, not day 14
"$GS" advise --drug gabapentin --crcl 90 --target 1800mg --days 10 --json --n 50 > "$TMP/daily.json"
if /usr/bin/env python3 - "$TMP/daily.json" 2> "$TMP/dailye.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s, c = d["side_effects_by_day"], d["side_effects_cumulative"]
assert s["day"] == list(range(1, 11)), s["day"]
assert c["days"] == [3, 7, 10, 10], c["days"]
for name, series in s["events"].items():
    assert all(b >= a for a, b in zip(series, series[1:])), name
    assert abs(series[2] - c["events"][name][0]) < 1e-3 and abs(series[6] - c["events"][name][1]) < 1e-3, name
som, diz, fall = s["events"]["somnolence"], s["events"]["dizziness"], s["fall_relevant_drowsiness_or_dizziness_upper_bound"]
assert all(max(a, b) <= f <= a + b + 1e-9 for a, b, f in zip(som, diz, fall))
PY
then ok "day-by-day side effects: cumulative, consistent, fall-relevant bound"
else bad "day-by-day side effects" "$(tail -1 "$TMP/dailye.txt")"; fi

# gabapentin in PHN has no pooled trial in the reference: the borrowed Emax is said, in text and
# JSON; a 7-day horizon has no day-14 value, and the JSON must stay valid (no 'nan')
"$GS" advise --drug gabapentin --crcl 90 --pain phn --n 100 > "$TMP/phn.txt"
expect_in "borrowed Emax stated" "ASSUMPTION: no pooled trials of this drug for this pain" "$TMP/phn.txt"
"$GS" advise --drug gabapentin --crcl 90 --pain phn --days 7 --json --n 100 > "$TMP/phn.json"
if /usr/bin/env python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["pain"]; assert p["emax_borrowed_from"]=="pregabalin, phn" and "difference_from_placebo_day14" not in p and p["difference_from_placebo_end"][2] < 0, p' "$TMP/phn.json" 2> "$TMP/pe.txt"; then
  ok "JSON: borrowed Emax named, no day-14 value for 7 days"
else
  bad "JSON borrowed Emax" "$(tail -2 "$TMP/pe.txt")"
fi

# evidence and alternatives: the trials for the kind of pain, with sources; duloxetine's label
# rule "avoid if CrCl < 30 mL/min" (reference 7.1) flagged at 28 and not at the edge, 30
"$GS" advise --drug gabapentin --crcl 28 --pain radicular --n 100 > "$TMP/ev.txt"
expect_in "evidence for sciatica, with its source" "Enke O et al. CMAJ 2018" "$TMP/ev.txt"
expect_in "tizanidine contraindication named" "Never with fluvoxamine or ciprofloxacin" "$TMP/ev.txt"
expect_in "duloxetine kidney rule flagged at CrCl 28" "THIS APPLIES" "$TMP/ev.txt"
"$GS" advise --drug gabapentin --crcl 30 --n 100 > "$TMP/ev30.txt"
if grep -q "THIS APPLIES" "$TMP/ev30.txt"; then bad "no kidney flag at CrCl 30" "flagged"; else ok "no kidney flag at CrCl 30 (the rule is 'below 30')"; fi
"$GS" advise --drug gabapentin --crcl 28 --json --n 100 > "$TMP/ev.json"
if /usr/bin/env python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); a={x["drug"]: x for x in d["alternatives"]}; assert a["duloxetine"]["kidney_rule_applies"] is True and a["tizanidine"]["kidney_rule_applies"] is False and "gabapentin" not in a and d["evidence"], a' "$TMP/ev.json" 2> "$TMP/eve.txt"; then
  ok "JSON: evidence and alternatives with the kidney flags"
else
  bad "JSON alternatives" "$(tail -2 "$TMP/eve.txt")"
fi

# the HTML page: well formed, every section, the plot inline, no external resource
"$GS" advise --drug gabapentin --crcl 45 --pain radicular --with morphine --n 100 --html "$TMP/r.html" > /dev/null \
  && ok "advise --html exits 0" || bad "advise --html exit" "$?"
if /usr/bin/env python3 - "$TMP/r.html" 2> "$TMP/he.txt" <<'PY'
import sys
from html.parser import HTMLParser
text = open(sys.argv[1], encoding="utf-8").read()
void = {"meta", "br", "img", "hr", "input", "link"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.bad = [], set(), []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a and tag == "section" or tag == "p" and a.get("id") == "notice":
            self.ids.add(a["id"])
        for k in ("src", "href"):
            if k in a and (a[k] or "").startswith(("http:", "https:", "//")):
                self.bad.append("external %s=%s" % (k, a[k]))
        if tag in ("script", "link", "iframe"):
            self.bad.append("tag <%s>" % tag)
        if tag not in void:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in void:
            return
        if not self.stack or self.stack[-1] != tag:
            self.bad.append("unbalanced </%s> (open: %s)" % (tag, self.stack[-3:]))
        else:
            self.stack.pop()
p = P(); p.feed(text); p.close()
need = {"notice", "patient", "dose", "levels", "relief", "side-effects", "interactions", "evidence", "alternatives", "sources"}
assert not p.bad, p.bad
assert not p.stack, "unclosed: %s" % p.stack
assert need <= p.ids, "missing sections: %s" % (need - p.ids)
assert "<svg" in text and "</svg>" in text, "no inline plot"
assert "does not replace" in text
assert "id=\"warnings\"" in text and "Respiratory Depression" in text, "no warnings box"
PY
then ok "HTML: well formed, all sections, inline plot, no external resource"
else bad "HTML page" "$(tail -3 "$TMP/he.txt")"
fi
[ ! -e "$TMP/r.html.plot.svg" ] && ok "HTML: no plot file left beside it" || bad "HTML plot file" "left behind"
# warnings first (gs_advise decides, the reports print): an opioid at 80 gives the breathing and the
# falls warnings, right after the dose and before the calendar, with their label sources; at 40
# without a sedating co-medication there are none
"$GS" advise --drug gabapentin --crcl 60 --age 80 --with morphine --pain radicular --n 100 > "$TMP/w80.txt"
if awk '/^Recommended maintenance/{d=NR} /^WARNINGS/{w=NR} /^Start low/{s=NR} END{exit !(d && w > d && s > w)}' "$TMP/w80.txt"; then
  ok "text: warnings right after the dose, before the calendar"
else bad "text: warnings order" "$(head -12 "$TMP/w80.txt")"; fi
expect_in "text: breathing warning names morphine" "Serious breathing problems with morphine" "$TMP/w80.txt"
expect_in "text: breathing warning's label source" "Neurontin label 5.7, Respiratory Depression" "$TMP/w80.txt"
expect_in "text: falls warning at 80" "Falls are more likely at your age" "$TMP/w80.txt"
expect_in "text: Beers Criteria cited" "J Am Geriatr Soc 2023;71:2052-2081" "$TMP/w80.txt"
"$GS" advise --drug gabapentin --crcl 60 --age 40 --n 100 > "$TMP/w40.txt"
if grep -q "WARNINGS" "$TMP/w40.txt"; then bad "no warnings at 40 without co-medication" "printed"
else ok "no warnings at 40 without co-medication"; fi
# plain words: side effects by their plain names, one column per distinct day (a 14-day horizon
# has no second 'day 14'), no responder range wider than 30 points, no internal reference numbers
expect_in "text: plain side-effect names" "drowsiness (somnolence)" "$TMP/w80.txt"
[ "$(grep -c 'day 14' <(grep -E '^ +day 3' "$TMP/w80.txt"))" = 1 ] && ! grep -qE 'day 14 +day 14|end$' <(grep -E '^ +day 3' "$TMP/w80.txt") \
  && ok "text: no duplicate day columns" || bad "text: day columns" "$(grep -E '^ +day 3' "$TMP/w80.txt")"
"$GS" advise --drug gabapentin --crcl 60 --pain phn --n 100 > "$TMP/phn60.txt"
if grep -qE '[0-9]+-100 %' "$TMP/phn60.txt"; then bad "phn: no 3-100 % range" "$(grep -E '100 %' "$TMP/phn60.txt")"
else ok "phn: no 3-100 % range"; fi
expect_in "phn: too uncertain said instead" "too uncertain to give a number" "$TMP/phn60.txt"
if grep -qi "project reference\|reference section" "$TMP/w80.txt" "$TMP/ev.txt"; then bad "no internal reference numbers" "found"
else ok "no internal reference numbers in the advice"; fi

usage_err "no kidney function" "needs kidney function" advise --drug gabapentin --age 60
usage_err "scr without sex" "'--sex'" advise --drug gabapentin --scr 1.2mg/dL --age 60 --weight 70kg
usage_err "dialysis with normal CrCl" "--dialysis" advise --drug gabapentin --dialysis --crcl 90
usage_err "bad --target" "'--target'" advise --drug gabapentin --crcl 90 --target 5
usage_err "unknown drug" "unknown drug" advise --drug nosuch --crcl 90
usage_err "unknown co-medication lists the known ones" "known: antacid-al-mg" advise --drug gabapentin --crcl 90 --with aspirin
usage_err "pain type not calibrated" "'--pain'" advise --drug pregabalin --crcl 90 --pain radicular
usage_err "unwritable --html" "--html" advise --drug gabapentin --crcl 90 --html /nonexistent/r.html
usage_err "bad antacid time" "'--with'" advise --drug gabapentin --crcl 90 --with antacid-al-mg@8hrs
usage_err "antacid with an empty time list" "'--with'" advise --drug gabapentin --crcl 90 --with antacid-al-mg@
# the horizon is checked before it becomes the proposed regimen's duration
usage_err "--days 0 with a proposed regimen" "'--days' is 0; allowed above 0 to 365" advise --drug gabapentin --crcl 90 --dose 300mg --every 8h --days 0
usage_err "--n below 10" "'--n' is 5" advise --drug gabapentin --crcl 90 --n 5

# --days has the same limits in every command; advise's horizon must also reach one whole day
# (its side-effect table is by day): the library says so, naming the option.
usage_err "--days 0.5 in advise" "'--days' is 0.5; allowed 1 to 365" advise --drug gabapentin --crcl 90 --days 0.5

# --with times: each one a time from 0 to a year, no empty ones; --every needs --dose
usage_err "--with with an empty time" "'--with' is 'antacid-al-mg@0h,,8h'" advise --crcl 60 --with antacid-al-mg@0h,,8h
usage_err "--with with a trailing comma" "'--with' is 'morphine@0h,'" advise --crcl 60 --with morphine@0h,
usage_err "--with with a negative time" "'--with' time is -5 h; allowed 0 to 8760 h" advise --crcl 60 --with antacid-al-mg@-5h
usage_err "--every without --dose" "'--every' belongs to a proposed regimen" advise --crcl 60 --every 8h

# issue 12 item 2: --level estimates this patient's parameters (the tdm worked example: 300 mg
# every 8 h, level at 38 h from the first dose of the proposed regimen) and individualises the
# dose inside the label band; a higher level means a lower clearance and never a higher dose
LV=(advise --drug gabapentin --crcl 35 --age 70 --dose 300mg --every 8h --n 20)
"$GS" "${LV[@]}" --level 6.1mg/L@38h > "$TMP/lv.txt" 2> "$TMP/e.txt" \
  && ok "advise --level exits 0" || bad "advise --level exits 0" "$(cat "$TMP/e.txt")"
expect_in "estimated clearance beside the population's (as tdm prints it)" "clearance: 2.19 L/h (90 % interval 1.43-3.36); population 2.1 L/h" "$TMP/lv.txt"
expect_in "half-life beside the population's" "elimination half-life: 18.4 h" "$TMP/lv.txt"
expect_in "individualised regimen inside the label band" "inside the label's 400-1400 mg/day" "$TMP/lv.txt"
for c in 2 6.1 14; do
  "$GS" "${LV[@]}" --level "${c}mg/L@38h" --level "${c}mg/L@40h" --json > "$TMP/lv_$c.json" 2> "$TMP/e.txt" ||
    bad "advise --level $c mg/L --json" "$(cat "$TMP/e.txt")"
done
python3 - "$TMP/lv_2.json" "$TMP/lv_6.1.json" "$TMP/lv_14.json" <<'PY' && ok "--level: CL falls and the dose never rises as the level rises; every dose inside the band" || bad "--level ordering" "$(cat "$TMP"/lv_*.json | head -c 600)"
import json, sys
d = [json.load(open(p))["from_levels"] for p in sys.argv[1:]]
assert d[0]["cl_L_h"] > d[1]["cl_L_h"] > d[2]["cl_L_h"], [x["cl_L_h"] for x in d]
assert d[0]["daily_mg"] >= d[1]["daily_mg"] >= d[2]["daily_mg"], [x["daily_mg"] for x in d]
for x in d:
    assert x["band_lo_mg_day"] <= x["daily_mg"] <= x["band_hi_mg_day"], x
    assert len(x["levels"]) == 2 and x["cl_population_L_h"] == d[0]["cl_population_L_h"]
PY
"$GS" advise --drug gabapentin --crcl 35 --n 20 --json > "$TMP/nolv.json" 2> /dev/null &&
  python3 -c 'import json,sys; assert "from_levels" not in json.load(open(sys.argv[1]))' "$TMP/nolv.json" &&
  ok "no --level: no from_levels" || bad "no --level: no from_levels" "$(head -c 200 "$TMP/nolv.json")"
usage_err "--level without a time" "'--level' is '6.1mg/L'; expected CONC@TIME" advise --drug gabapentin --crcl 35 --level 6.1mg/L
usage_err "--level in the wrong unit" "'--level'" advise --drug gabapentin --crcl 35 --level 6.1mg@38h
usage_err "--level before the history" "level 1 is at -1 h" advise --drug gabapentin --crcl 35 --level 6.1mg/L@-1h

finish
