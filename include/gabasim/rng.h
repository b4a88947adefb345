/* gabasim/rng.h - reproducible random streams, one per virtual subject.
 *
 * xoshiro256** (Blackman & Vigna 2018) seeded by SplitMix64 from (seed, stream): subject i of a run
 * with seed s always draws the same numbers, whatever the thread count or the order subjects are
 * simulated in (DESIGN principle 4). A plain value: no allocation, cheap to make per subject.
 * Normals by Box-Muller (both values used), so a stream's normals are a pure function of it.
 */
#ifndef GABASIM_RNG_H
#define GABASIM_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_rng {
    uint64_t s[4];
    double spare; /* second Box-Muller value */
    int has_spare;
} gs_rng;

/* Independent stream `stream` (a subject index) of the run seeded `seed`. */
void gs_rng_seed(gs_rng *r, uint64_t seed, uint64_t stream);

uint64_t gs_rng_u64(gs_rng *r);

/* Uniform on the open interval (0, 1): 53 random bits, never 0 or 1. */
double gs_rng_uniform(gs_rng *r);

/* Standard normal. */
double gs_rng_normal(gs_rng *r);

#ifdef __cplusplus
}
#endif
#endif
