/* effect_site.c - the effect compartment and binding occupancy (see gabasim/pd.h). */
#include <math.h>

#include "gabasim/pd.h"

void gs_pd_effect_site(const double *t, const double *cp, size_t n, double ke0, double ce0,
                       double *ce)
{
    if (n == 0)
        return;
    ce[0] = ce0;
    for (size_t i = 1; i < n; i++) {
        double h = t[i] - t[i - 1];
        double x = ke0 * h;
        double e = exp(-x);
        /* exact solution of dCe/dt = ke0 (Cp(t) - Ce) with Cp linear over the step:
         * Ce1 = Ce0 e + Cp0 (1 - e) + (Cp1 - Cp0) (1 - (1 - e)/x) */
        double ramp = x > 1e-8 ? 1.0 - (1.0 - e) / x : 0.5 * x;
        ce[i] = ce[i - 1] * e + cp[i - 1] * (1.0 - e) + (cp[i] - cp[i - 1]) * ramp;
    }
}

double gs_pd_occupancy(double csf, double kd)
{
    return csf > 0.0 ? csf / (csf + kd) : 0.0;
}
