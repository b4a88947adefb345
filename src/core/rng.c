/* rng.c - xoshiro256** with SplitMix64 seeding (public-domain reference algorithms by
 * D. Blackman and S. Vigna, https://prng.di.unimi.it/), Box-Muller normals. */
#include "gabasim/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void gs_rng_seed(gs_rng *r, uint64_t seed, uint64_t stream)
{
    /* Mix the seed and the stream through SplitMix64 twice so that nearby (seed, stream) pairs
     * give unrelated states; then fill the state from the mixed value. */
    uint64_t x = seed;
    uint64_t a = splitmix64(&x);
    x = a ^ (stream * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1; /* the all-zero state is the one xoshiro must avoid */
    r->has_spare = 0;
    r->spare = 0.0;
}

uint64_t gs_rng_u64(gs_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double gs_rng_uniform(gs_rng *r)
{
    /* (k + 0.5) / 2^53 for k in [0, 2^53): strictly inside (0, 1) */
    return ((double)(gs_rng_u64(r) >> 11) + 0.5) * 0x1.0p-53;
}

double gs_rng_normal(gs_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u1 = gs_rng_uniform(r), u2 = gs_rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1)), ang = 6.283185307179586476925 * u2; /* 2 pi */
    r->spare = rad * sin(ang);
    r->has_spare = 1;
    return rad * cos(ang);
}
