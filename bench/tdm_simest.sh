#!/bin/sh
# tdm_simest.sh - the long simulation-estimation of `gabasim tdm` (docs/tdm.md): 1000 virtual
# patients per drug and design (one trough; two levels), MAP estimates of clearance against the
# truth. Runs the validation test with larger counts.
# usage: bench/tdm_simest.sh [BUILD_DIR] [N]   (defaults: build, 1000)
set -eu
build=${1:-build}
n=${2:-1000}
uptime
GS_TDM_SIMEST_N=$n GS_TDM_SIMEST_GABA_N=$n "$build/tests/test_tdm" 2>&1 | grep -E "patients|OK|FAIL"
