#!/usr/bin/env bash
# data_ranges.sh - every number in the library's data files (data/pain.json, interactions.json,
# evidence.json, populations/*.json) is checked at load against its documented range (docs/model.md,
# docs/population.md): a mutated copy is refused with exit 2 and one line naming the file, the
# field's JSON path, the value and what is allowed (issue 17, item 8; data/adverse.json is in
# nan_degenerate.sh). usage: bash data_ranges.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: data_ranges.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
. "$(dirname "$(realpath "$0")")/lib.sh"

# edit FILE PYTHON: a fresh copy of data/ in $TMP/data with the statement run on FILE's JSON (d)
edit() {
  rm -rf "$TMP/data" && cp -r "$ROOT/data" "$TMP/data"
  python3 -c "import json; p='$TMP/data/$1'; d=json.load(open(p)); $2; json.dump(d, open(p, 'w'))"
}
# the commands that read each file
pain() { GABASIM_DATA=$TMP/data usage_err "$@" advise --drug gabapentin --crcl 60 --pain nonradicular-clbp --days 14; }
ix() { GABASIM_DATA=$TMP/data usage_err "$@" advise --drug gabapentin --crcl 60 --days 7 --with morphine; }
evid() { GABASIM_DATA=$TMP/data usage_err "$@" advise --drug gabapentin --crcl 60 --pain phn --days 14; }
popn() { GABASIM_DATA=$TMP/data usage_err "$@" population --drug gabapentin --n 10 --covariates clbp-atkinson2016 --dose 300mg --doses 2 --every 8h; }

# the unmodified copy loads (so each refusal below is the mutation's)
edit pain.json "pass"
GABASIM_DATA=$TMP/data "$GS" advise --drug gabapentin --crcl 60 --pain nonradicular-clbp --days 14 --with morphine > /dev/null 2>&1 &&
  GABASIM_DATA=$TMP/data "$GS" population --drug gabapentin --n 10 --covariates clbp-atkinson2016 --dose 300mg --doses 2 --every 8h > /dev/null 2>&1 &&
  ok "unmodified data copy loads" || bad "unmodified data copy loads" "exit $?"

# --- data/pain.json ---
P="d['drug_effect']"
E0="$P['effects'][0]"
edit pain.json "d['placebo']['pe']['value'] = 1.5"
pain "pain: placebo PE 1.5" "pain.json: 'placebo.pe.value' is 1.5 fraction; allowed a number above 0, up to 1 fraction"
edit pain.json "d['placebo']['t_half']['value'] = -3"
pain "pain: placebo half-time -3 d" "pain.json: 'placebo.t_half.value' is -3 d"
edit pain.json "d['placebo']['iiv']['logit_pe_omega2'] = 1e308"
pain "pain: PE variance 1e308" "pain.json: 'placebo.iiv.logit_pe_omega2' is 1e+308; allowed a variance from 0 to 25"
edit pain.json "$P['k_on']['value'] = 1e300"
pain "pain: k_on 1e300 /d" "pain.json: 'drug_effect.k_on.value' is 1e+300 1/d; allowed a number above 0, up to 100 1/d"
edit pain.json "$P['drugs']['gabapentin']['ec50']['value'] = -0.5"
pain "pain: negative EC50" "pain.json: 'drug_effect.drugs.gabapentin.ec50.value' is -0.5 mg/L; allowed a number above 0, up to 1000 mg/L"
edit pain.json "$P['drugs']['pregabalin']['ke0']['value'] = 0"
pain "pain: ke0 0" "pain.json: 'drug_effect.drugs.pregabalin.ke0.value' is 0 1/h; allowed a number above 0, up to 100 1/h"
edit pain.json "$E0['emax']['value'] = 1.5"
pain "pain: Emax 1.5" "pain.json: 'drug_effect.effects[0].emax.value' is 1.5; allowed a number from -1 to 0.99"
edit pain.json "$E0['emax']['ci'] = [-0.0144, 1e308]"
pain "pain: Emax upper limit 1e308" "pain.json: 'drug_effect.effects[0].emax.ci[1]' is 1e+308; allowed a number from -1 to 0.99"
edit pain.json "$E0['emax']['ci'] = [0.1031, -0.0144]"
pain "pain: Emax interval descending" "pain.json: 'drug_effect.effects[0].emax.ci' is [0.1031, -0.0144]; allowed: ascending"
edit pain.json "$E0['emax']['value'] = 0.5"
pain "pain: Emax outside its interval" "pain.json: 'drug_effect.effects[0].emax.value' is 0.5; allowed inside 'drug_effect.effects[0].emax.ci' [-0.0144, 0.1031]"
edit pain.json "$E0['target']['md'] = -22"
pain "pain: target MD -22 on a 0-10 scale" "pain.json: 'drug_effect.effects[0].target.md' is -22; allowed a number from -10 to 10"
edit pain.json "$E0['trial']['days'] = 84.5"
pain "pain: trial days 84.5" "pain.json: 'drug_effect.effects[0].trial.days' is 84.5 d; allowed a whole number from 1 to 365 d"
edit pain.json "$E0['trial']['crcl'] = -90"
pain "pain: trial CrCl -90" "pain.json: 'drug_effect.effects[0].trial.crcl' is -90 mL/min; allowed a number above 0, up to 250 mL/min"
edit pain.json "$P['between_person']['omega']['value'] = 4"
pain "pain: between-person spread 4" "pain.json: 'drug_effect.between_person.omega.value' is 4 log-SD; allowed a number from 0 to 3 log-SD"
edit pain.json "$P['between_person']['omega']['value'] = 0.3"
pain "pain: spread outside its interval" "pain.json: 'drug_effect.between_person.omega.value' is 0.3; allowed inside 'drug_effect.between_person.omega.ci' [0.43, 3]"
edit pain.json "$P['between_person']['calibration']['responders30'] = [1.2, 0.25]"
pain "pain: responder share 1.2" "pain.json: 'drug_effect.between_person.calibration.responders30[0]' is 1.2 share; allowed a number from 0 to 1 share"
edit pain.json "$P['between_person']['calibration']['n'] = [89.5, 84]"
pain "pain: 89.5 participants" "pain.json: 'drug_effect.between_person.calibration.n[0]' is 89.5 participants; allowed a whole number from 1 to 100000 participants"
edit pain.json "$P['between_person']['calibration']['pain_type'] = 'gout'"
pain "pain: spread calibrated on an unknown effect" "pain.json: 'drug_effect.between_person.calibration' names pregabalin/gout; allowed: a calibrated effect"
edit pain.json "$P['effects'] = $P['effects'] * 3"
pain "pain: more effects than held" "pain.json: 'drug_effect.effects' has more than 8 entries; allowed at most 8"

# --- data/interactions.json ---
I="d['interactions']"
edit interactions.json "$I[2]['model']['auc_ratio'] = 1e308"
ix "interactions: AUC ratio 1e308" "interactions.json: 'interactions[2].model.auc_ratio' is 1e+308; allowed a number from 0.1 to 10"
edit interactions.json "$I[2]['model']['study_dose_mg'] = -600"
ix "interactions: negative study dose" "interactions.json: 'interactions[2].model.study_dose_mg' is -600 mg; allowed a number from 0.001 to 100000 mg"
edit interactions.json "$I[0]['model']['bands'][0]['reduction'] = 1.5"
ix "interactions: reduction 1.5" "interactions.json: 'interactions[0].model.bands[0].reduction' is 1.5; allowed a number from 0 to 0.99"
edit interactions.json "$I[0]['model']['bands'][1]['to_h'] = 1"
ix "interactions: band ending before it starts" "interactions.json: 'interactions[0].model.bands[1].to_h' is 1; allowed above from_h 2"
edit interactions.json "$I[0]['model']['bands'][0]['from_h'] = -1e308"
ix "interactions: band from -1e308 h" "interactions.json: 'interactions[0].model.bands[0].from_h' is -1e+308 h; allowed a number from -1000 to 1000 h"
edit interactions.json "$I[5]['model']['cl_ratio'] = 0"
ix "interactions: clearance ratio 0" "interactions.json: 'interactions[5].model.cl_ratio' is 0; allowed a number from 0.1 to 10"

# --- data/evidence.json ---
edit evidence.json "d['alternatives']['drugs'][0]['kidney']['crcl_below'] = -30"
evid "evidence: kidney rule below CrCl -30" "evidence.json: 'alternatives.drugs[0].kidney.crcl_below' is -30 mL/min; allowed a number above 0, up to 250 mL/min"
edit evidence.json "d['alternatives']['drugs'][1]['kidney']['crcl_below'] = 1e308"
evid "evidence: kidney rule below CrCl 1e308" "evidence.json: 'alternatives.drugs[1].kidney.crcl_below' is 1e+308 mL/min"

# --- data/populations/*.json ---
C=populations/clbp-atkinson2016.json
edit $C "d['age_y']['mean'] = 1e308"
popn "population: age mean 1e308" "clbp-atkinson2016.json: 'age_y.mean' is 1e+308; allowed from min 21 to max 70"
edit $C "d['male']['weight_kg']['sd'] = 1e308"
popn "population: weight SD 1e308" "clbp-atkinson2016.json: 'male.weight_kg.sd' is 1e+308; allowed above 0, up to max - min = 110"
edit $C "d['female']['scr_mg_dL']['geometric_sd'] = 1e300"
popn "population: creatinine geometric SD 1e300" "clbp-atkinson2016.json: 'female.scr_mg_dL.geometric_sd' is 1e+300; allowed above 1, up to max / min"
edit $C "d['female']['scr_mg_dL']['median'] = 5"
popn "population: creatinine median outside its bounds" "clbp-atkinson2016.json: 'female.scr_mg_dL.median' is 5; allowed from min 0.45 to max 1.3"
edit $C "d['female_fraction']['value'] = 1.5"
popn "population: female fraction 1.5" "clbp-atkinson2016.json: 'female_fraction.value' is 1.5; allowed a number from 0 to 1"
edit $C "d['male']['height_weight_correlation']['value'] = 1"
popn "population: correlation 1" "clbp-atkinson2016.json: 'male.height_weight_correlation.value' is 1; allowed above -1 and below 1"
finish
