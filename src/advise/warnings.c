/* warnings.c - the warnings that come first in the advice, right after the dose: serious breathing
 * problems when a co-medication is an opioid or another CNS depressant, and falls in a patient
 * aged 65 or more. The library decides which apply; the reports print them as they are.
 *
 * Sources (the text of each warning names them):
 * - Respiratory depression: Neurontin label 5.7 "Respiratory Depression" (added 04/2020) and the
 *   Lyrica label's "Respiratory Depression" warning, both after the FDA Drug Safety Communication
 *   of December 2019 on gabapentinoids with opioids or other CNS depressants; opioid-related
 *   deaths with gabapentin (Gomes T et al. PLoS Med 2017;14:e1002396) and with pregabalin (Gomes
 *   T et al. Ann Intern Med 2018;169:732). In people aged 65 or more, the American Geriatrics
 *   Society 2023 Beers Criteria (J Am Geriatr Soc 2023;71:2052-2081, doi:10.1111/jgs.18372) list
 *   opioids with gabapentinoids as a combination to avoid (except when moving from an opioid to a
 *   gabapentinoid or lowering the opioid dose).
 * - Falls: the labels' "Somnolence/Sedation and Dizziness" (Neurontin) and "Dizziness and
 *   Somnolence" (Lyrica) warnings and 8.5 Geriatric Use; Beers 2023 lists antiepileptics among
 *   the drugs to avoid in people with a history of falls or fractures unless safer options are
 *   not available.
 * Both apply to the gabapentinoids only (the drugs these sources are about).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_int.h"

/* Age from which the falls warning applies (years): the Beers Criteria's "older adults". */
#define FALLS_AGE_Y 65.0

#define BEERS_2023                                                                                 \
    "American Geriatrics Society 2023 Beers Criteria, J Am Geriatr Soc 2023;71:2052-2081"

/* The label's name for the drug, or NULL when the warnings do not cover it. */
static const char *label_of(const char *drug)
{
    if (strcmp(drug, "gabapentin") == 0)
        return "Neurontin";
    if (strcmp(drug, "pregabalin") == 0)
        return "Lyrica";
    return NULL;
}

/* 1 when `hay` contains `needle`, ignoring case (ASCII). */
static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == needle[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* The co-medications that are CNS depressants, by the names the request gave, joined with ", "
 * and " and " into `names`; *opioid set when one of them is an opioid. */
static gs_status depressant_names(const struct gs_advise_request *req, char *names, size_t size,
                                  int *opioid, struct gs_error *err)
{
    gs_interactions *t = NULL;
    gs_status st = gs_interactions_load(&t, NULL, err);
    size_t found = 0, len = 0;
    const char *pick[8];
    *opioid = 0;
    names[0] = '\0';
    for (size_t i = 0; st == GS_OK && i < req->n_comedications; i++) {
        const struct gs_interaction *ix = NULL;
        if (gs_interactions_find(t, req->comedications[i].name, &ix, NULL) != GS_OK ||
            !ix->cns_depressant)
            continue;
        /* the opioids: "morphine" and "hydrocodone" (whose warnings begin "Opioid (...)") and
         * "opioid" with its aliases; not the CNS depressants whose warnings mention opioids */
        if (contains_nocase(ix->name, "opioid") || strncmp(ix->warning, "Opioid", 6) == 0)
            *opioid = 1;
        if (found < sizeof pick / sizeof *pick)
            pick[found++] = req->comedications[i].name;
    }
    for (size_t i = 0; i < found && len < size; i++)
        len += (size_t)snprintf(names + len, size - len, "%s%s",
                                i == 0           ? ""
                                : i + 1 == found ? " and "
                                                 : ", ",
                                pick[i]);
    for (char *c = names; *c; c++) /* "other-cns-depressant" as words */
        if (*c == '-')
            *c = ' ';
    gs_interactions_free(t);
    return st;
}

static struct gs_advise_warning *next(struct gs_advise_result *r, enum gs_advise_warning_kind k,
                                      const char *id)
{
    if (r->n_warnings >= GS_ADVISE_MAX_WARNINGS)
        return NULL;
    struct gs_advise_warning *w = &r->warnings[r->n_warnings++];
    memset(w, 0, sizeof *w);
    w->kind = k;
    snprintf(w->id, sizeof w->id, "%s", id);
    return w;
}

static gs_status breathing(const struct gs_advise_request *req, struct gs_advise_result *r,
                           const char *drug, const char *label, struct gs_error *err)
{
    char names[160];
    int opioid = 0;
    gs_status st = depressant_names(req, names, sizeof names, &opioid, err);
    struct gs_advise_warning *w =
        st == GS_OK ? next(r, GS_WARN_RESPIRATORY_DEPRESSION, "respiratory-depression") : NULL;
    if (w == NULL)
        return st;
    const int old = !isnan(r->patient.age_y) && r->patient.age_y >= FALLS_AGE_Y;
    snprintf(w->title, sizeof w->title, "Serious breathing problems with %.60s",
             names[0] ? names : "your other medicines");
    snprintf(w->text, sizeof w->text,
             "You told us you also take %s. Taken with %s, %s can slow your breathing. This can "
             "be deadly. Your doctor should start you on a low dose and check on you often. Get "
             "help at once if you are very sleepy, hard to wake up, or breathe slowly or "
             "shallowly.%s",
             names[0] ? names : "a medicine that makes you sleepy", drug,
             opioid ? "opioids and other medicines that make you sleepy"
                    : "medicines that make you sleepy",
             old && opioid ? " For people aged 65 or more, experts advise against this mix, "
                             "unless the aim is to take less of the opioid."
                           : "");
    /* opioid-related deaths (Gomes) and the Beers Criteria's pair are about opioids only */
    const char *gomes = !opioid ? ""
                        : strcmp(label, "Neurontin") == 0
                            ? "; Gomes T et al. PLoS Med 2017;14:e1002396"
                            : "; Gomes T et al. Ann Intern Med 2018;169:732";
    snprintf(w->source, sizeof w->source,
             "%s label%s Respiratory Depression; FDA Drug Safety Communication, December 2019%s%s",
             label,
             strcmp(label, "Neurontin") == 0 ? " 5.7," : ", Warnings and Precautions:", gomes,
             old && opioid ? "; " BEERS_2023 " (opioids with gabapentinoids)" : "");
    return GS_OK;
}

static void falls(struct gs_advise_result *r, const char *label)
{
    struct gs_advise_warning *w = next(r, GS_WARN_FALLS, "falls");
    if (w == NULL)
        return;
    char numbers[160] = "";
    if (r->fall_risk_by_day && r->n_days > 0)
        snprintf(numbers, sizeof numbers,
                 " By day %zu, up to %.0f in 100 people like you would feel drowsy or dizzy.",
                 r->n_days, 100.0 * r->fall_risk_by_day[r->n_days - 1]);
    snprintf(w->title, sizeof w->title, "Falls are more likely at your age");
    snprintf(w->text, sizeof w->text,
             "At %.0f, this medicine makes a fall more likely. It can make you drowsy, dizzy and "
             "unsteady, most of all in the first weeks and after each dose increase.%s Stand up "
             "slowly, use a night light, and do not drive until you know how it affects you.",
             r->patient.age_y, numbers);
    snprintf(w->source, sizeof w->source,
             "%s label, Warnings and Precautions: %s, and 8.5 Geriatric Use; " BEERS_2023
             " (antiepileptics in people who have fallen)",
             label,
             strcmp(label, "Neurontin") == 0 ? "Somnolence/Sedation and Dizziness"
                                             : "Dizziness and Somnolence");
}

gs_status gs__advise_warnings(const struct gs_advise_request *req, struct gs_advise_result *r,
                              struct gs_error *err)
{
    r->n_warnings = 0;
    const char *drug = gs_drug_name(r->drug);
    const char *label = label_of(drug);
    if (label == NULL)
        return GS_OK;
    if (r->cns_depressant) {
        gs_status st = breathing(req, r, drug, label, err);
        if (st != GS_OK)
            return st;
    }
    if (!isnan(r->patient.age_y) && r->patient.age_y >= FALLS_AGE_Y)
        falls(r, label);
    return GS_OK;
}
