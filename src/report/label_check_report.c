/* label_check_report.c - a run's label check (gabasim/label_check.h) as text lines and as a JSON
 * object, shared by the simulate, population and advise reports. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/report.h"
#include "report_int.h"

/* `lead` then `text` wrapped, continuation lines under the text. */
static void wrapped(FILE *f, const char *indent, const char *lead, const char *text)
{
    char first[64];
    snprintf(first, sizeof first, "%s%s", indent, lead);
    gs__text_wrap(f, first, (int)strlen(first), text);
}

void gs_report_label_findings_text(const struct gs_label_check *c, FILE *f, const char *indent)
{
    if (!c->has_rules) {
        fprintf(f, "%sthe drug file has no label dosing rules to check against\n", indent);
        return;
    }
    if (c->n_findings == 0)
        fprintf(f, "%s%s\n", indent,
                c->single_dose ? "a single dose within the label's maximum daily dose"
                               : "within the label for this kidney function");
    for (size_t i = 0; i < c->n_findings; i++)
        wrapped(f, indent, c->findings[i].level == GS_FINDING_WARNING ? "WARNING: " : "note: ",
                c->findings[i].text);
}

void gs_report_label_levels_text(const struct gs_label_check *c, FILE *f, const char *indent,
                                 int median)
{
    const struct gs_reference_range *r = c->range;
    if (r == NULL)
        return;
    char line[512];
    snprintf(line, sizeof line, "%g-%g mg/L, for a %s", r->low_mg_l, r->high_mg_l, r->sample);
    wrapped(f, indent, "laboratory reference range ", line);
    const char *who = median ? "the subjects' median" : "the predicted";
    if (c->trough_level != GS_LABEL_LEVEL_UNKNOWN)
        fprintf(f, "%s  %s steady-state trough, %.3g mg/L, is %s it\n", indent, who, c->trough_mg_l,
                gs_label_level_name(c->trough_level));
    else
        fprintf(f, "%s  no steady-state trough to compare (a single dose)\n", indent);
    if (c->peak_level == GS_LABEL_LEVEL_ABOVE)
        fprintf(f, "%s  %s peak, %.3g mg/L, is above it\n", indent, who, c->peak_mg_l);
    char src[1024];
    snprintf(src, sizeof src, "(%s)", r->source);
    wrapped(f, indent, "  ", r->caveat);
    wrapped(f, indent, "  ", src);
}

cJSON *gs__json_reference_range(const struct gs_label_check *c)
{
    if (c->range == NULL)
        return cJSON_CreateNull();
    cJSON *r = cJSON_CreateObject();
    if (r == NULL)
        return NULL;
    gs__json_add_num(r, "low_mg_L", "%.6g", c->range->low_mg_l);
    gs__json_add_num(r, "high_mg_L", "%.6g", c->range->high_mg_l);
    gs__json_add_str(r, "sample", c->range->sample);
    gs__json_add_str(r, "caveat", c->range->caveat);
    gs__json_add_str(r, "source", c->range->source);
    gs__json_add_num(r, "trough_mg_L", "%.6g", c->trough_mg_l);
    gs__json_add_str(r, "trough_is", gs_label_level_name(c->trough_level));
    gs__json_add_num(r, "peak_mg_L", "%.6g", c->peak_mg_l);
    gs__json_add_str(r, "peak_is", gs_label_level_name(c->peak_level));
    return r;
}

cJSON *gs__json_label_check(const struct gs_label_check *c)
{
    cJSON *o = cJSON_CreateObject(), *a = NULL;
    if (o == NULL)
        return NULL;
    cJSON_AddBoolToObject(o, "has_rules", c->has_rules);
    cJSON_AddBoolToObject(o, "single_dose", c->single_dose);
    if ((a = cJSON_AddArrayToObject(o, "findings")) != NULL)
        for (size_t i = 0; i < c->n_findings; i++) {
            cJSON *x = cJSON_CreateObject();
            if (x == NULL || !cJSON_AddItemToArray(a, x))
                break;
            gs__json_add_str(x, "level",
                             c->findings[i].level == GS_FINDING_WARNING ? "warning" : "info");
            gs__json_add_str(x, "text", c->findings[i].text);
        }
    cJSON *r = gs__json_reference_range(c);
    if (r == NULL || !cJSON_AddItemToObject(o, "reference_range", r))
        cJSON_Delete(r);
    return o;
}
