/* advise_words.c - the words the advice reports share: side effects named in plain words with the
 * medical term after them, the rule that keeps a too-wide range of responders out of a sentence,
 * the day columns worth showing, and the warnings as terminal text. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_int.h"
#include "report_int.h"

/* Event names of data/adverse.json in plain words; the medical term in brackets is in the page's
 * glossary. */
static const struct {
    const char *event, *plain;
} plain_names[] = {
    {"somnolence", "drowsiness (somnolence)"},
    {"dizziness", "dizziness"},
    {"peripheral_oedema", "swollen ankles or legs (peripheral oedema)"},
    {"ataxia", "unsteady walking (ataxia)"},
    {"blurred_vision", "blurred vision"},
};

const char *gs__advise_event_plain(const char *event, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof plain_names / sizeof *plain_names; i++)
        if (strcmp(event, plain_names[i].event) == 0)
            return plain_names[i].plain;
    snprintf(buf, size, "%s", event); /* an event the table does not know: its name, no '_' */
    for (char *c = buf; *c; c++)
        if (*c == '_')
            *c = ' ';
    return buf;
}

int gs__advise_responders_known(const struct gs_advise_pain *p)
{
    if (isnan(p->responders50_placebo))
        return 0;
    const double lo = fmin(p->responders50[0], p->responders50[2]);
    const double hi = fmax(p->responders50[0], p->responders50[2]);
    return isfinite(lo) && isfinite(hi) && hi - lo <= GS_ADVISE_RESPONDERS_MAX_WIDTH;
}

int gs__advise_checkpoint_shown(const struct gs_advise_result *r, int j)
{
    return j == 0 || r->checkpoint_day[j] != r->checkpoint_day[j - 1];
}

void gs__advise_warnings_text(FILE *f, const struct gs_advise_result *r)
{
    if (r->n_warnings == 0)
        return;
    fputs("\nWARNINGS\n", f);
    for (size_t i = 0; i < r->n_warnings; i++) {
        const struct gs_advise_warning *w = &r->warnings[i];
        char lead[128];
        snprintf(lead, sizeof lead, "  ! %s:", w->title);
        gs__text_wrap(f, lead, 4, w->text);
        char src[sizeof w->source + 16];
        snprintf(src, sizeof src, "(%s)", w->source);
        gs__text_wrap(f, "   ", 4, src);
    }
}

const char *gs__advise_label_name(const gs_drug *drug)
{
    const char *name = gs_drug_name(drug);
    if (strcmp(name, "gabapentin") == 0)
        return "Neurontin";
    if (strcmp(name, "pregabalin") == 0)
        return "Lyrica";
    return gs_drug_title(drug);
}

const char *gs__advise_days(char *buf, size_t size, double days)
{
    snprintf(buf, size, "%g day%s", days, days == 1.0 ? "" : "s");
    return buf;
}
