/* advise_html_parts.c - the sections of the patient's page after the blood levels: pain relief,
 * side effects, other medicines, the glossary of the medical words the page uses, where the
 * numbers come from, and the technical details for the clinician (folded away). Every sentence
 * with a number is built from the number it states: a difference says "lower" or "higher" by its
 * sign, a range too wide to be useful is not printed as a number. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/gabasim.h"

/* A difference on the 0-10 scale in words: "0.7 points lower", "0.5 points higher", "no
 * different". */
static void diff_words(FILE *f, double d)
{
    if (fabs(d) < 0.05)
        fputs("no different", f);
    else
        fprintf(f, "%.1f points %s", fabs(d), d < 0 ? "lower" : "higher");
}

/* "After 2 weeks, your score would be about 0.1 points lower than on a dummy pill. The likely
 * range is from 0.7 points lower to 0.5 points higher." */
static void difference_html(FILE *f, const char *when, const double v[3])
{
    fprintf(f, "%s, your pain score would be ", when);
    if (fabs(v[1]) < 0.05)
        fputs("about the same as on a dummy pill.", f);
    else {
        fputs("about ", f);
        diff_words(f, v[1]);
        fputs(" than on a dummy pill.", f);
    }
    fputs(" The likely range is from ", f);
    diff_words(f, v[0]);
    fputs(" to ", f);
    diff_words(f, v[2]);
    fputs(". ", f);
}

/* "about 12" out of 100, or "fewer than 1". */
static void count_words(FILE *f, double fraction)
{
    if (100.0 * fraction < 0.5)
        fputs("fewer than 1", f);
    else
        fprintf(f, "about %.0f", 100.0 * fraction);
}

/* One sentence on the chance of pain cut by `what` (>= 30 % or >= 50 %): a number when its range
 * is narrow enough (GS_ADVISE_RESPONDERS_MAX_WIDTH), else said to be too uncertain. */
static void chance_html(FILE *f, const struct gs_advise_result *r, const char *what,
                        const double rs[3], double placebo)
{
    const double lo = fmin(rs[0], rs[2]), hi = fmax(rs[0], rs[2]);
    if (isfinite(lo) && isfinite(hi) && hi - lo <= GS_ADVISE_RESPONDERS_MAX_WIDTH) {
        fputs("Out of 100 people like you, ", f);
        count_words(f, rs[1]);
        fprintf(f,
                " would have their pain cut %s by day %g with the medicine (likely range %.0f to "
                "%.0f). With a dummy pill alone, ",
                what, r->days, 100 * lo, 100 * hi);
        count_words(f, placebo);
        fputs(" would. ", f);
    } else {
        fprintf(f,
                "How many people like you would have their pain cut %s by day %g with the "
                "medicine is too uncertain to give a number. With a dummy pill alone, ",
                what, r->days);
        count_words(f, placebo);
        fputs(" in 100 would. ", f);
    }
}

static void responders_html(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_advise_pain *p = r->pain;
    if (isnan(p->responders50_placebo))
        return;
    fputs("<p>People differ a lot: the medicine helps some people much more than others. ", f);
    if (!isnan(p->responders30_placebo))
        chance_html(f, r, "by 30 % or more", p->responders30, p->responders30_placebo);
    chance_html(f, r, "by half or more", p->responders50, p->responders50_placebo);
    if (gs__advise_responders_known(p) && p->responders50_placebo >= 0.5 * p->responders50[1])
        fputs("So much of the relief people notice also comes without the medicine.", f);
    fputs("</p>\n", f);
}

void gs__advise_relief_html(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_advise_pain *p = r->pain;
    fputs("<section id=\"relief\"><h2>Pain relief compared with a dummy pill</h2>\n", f);
    if (p == NULL) {
        fputs("<p>Not worked out: your kind of pain was not given.</p>\n</section>\n", f);
        return;
    }
    fputs("<p>Pain is scored from 0 (no pain) to 10 (worst pain). A dummy pill (placebo) has no "
          "medicine in it. ",
          f);
    if (r->days > 14)
        difference_html(f, "After 2 weeks", p->day14);
    char when[64], days[32];
    snprintf(when, sizeof when, "After %s", gs__advise_days(days, sizeof days, r->days));
    difference_html(f, when, p->end);
    fprintf(f, "Half of the medicine's effect comes by about day %.0f", p->half_effect_day);
    if (isnan(p->full_effect_day))
        fprintf(f, ". It is still growing at the end of the %s.</p>\n", days);
    else
        fprintf(f, ", and most of it (90 %%) by about day %.0f.</p>\n", p->full_effect_day);
    if (p->end[2] > 0.0)
        fputs("<p>The range includes no benefit at all. So the trials could not show that the "
              "medicine helps this kind of pain more than a dummy pill.</p>\n",
              f);
    responders_html(f, r);
    if (p->borrowed_from[0]) {
        fputs("<p><b>Note:</b> there are no pooled trials of this medicine for this kind of pain. "
              "So we borrowed its largest possible effect from other trials (",
              f);
        gs__html_escape(f, p->borrowed_from);
        fputs(").</p>\n", f);
    }
    fputs("</section>\n", f);
}

void gs__advise_side_effects_html(FILE *f, const struct gs_advise_result *r)
{
    fputs("<section id=\"side-effects\"><h2>Side effects</h2>\n<p>The table shows the chance "
          "that you will have had each side effect by a given day. It includes what people also "
          "get on a dummy pill.</p>\n<div class=\"scroll\"><table><tr><th>Side effect</th>",
          f);
    for (int j = 0; j < 4; j++)
        if (gs__advise_checkpoint_shown(r, j))
            fprintf(f, "<th>By day %d</th>", r->checkpoint_day[j]);
    fputs("</tr>\n", f);
    for (size_t k = 0; k < r->n_side_effects; k++) {
        char buf[sizeof r->side_effects[k].event];
        fputs("<tr><td>", f);
        gs__html_escape(f, gs__advise_event_plain(r->side_effects[k].event, buf, sizeof buf));
        fputs("</td>", f);
        for (int j = 0; j < 4; j++)
            if (gs__advise_checkpoint_shown(r, j))
                fprintf(f, "<td>%.0f %%</td>", 100 * r->side_effects[k].risk[j]);
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n<p>Drowsiness and dizziness make falls more likely, most of all in "
          "older people.",
          f);
    if (r->cns_depressant)
        fputs(" Your other medicine adds to the drowsiness. No study says by how much, so the "
              "numbers add a guessed amount.",
              f);
    fputs("</p></section>\n", f);
}

/* 1 when an interaction note is a warning the warnings box does not already give. */
static int other_warning(const struct gs_advise_result *r, const char *note)
{
    if (strncmp(note, "warning: ", 9) != 0)
        return 0;
    for (size_t i = 0; i < r->n_warnings; i++)
        if (r->warnings[i].kind == GS_WARN_RESPIRATORY_DEPRESSION &&
            strstr(note, "respiratory depression"))
            return 0;
    return 1;
}

void gs__advise_others_html(FILE *f, const struct gs_advise_result *r)
{
    fputs("<section id=\"interactions\"><h2>Other medicines</h2>\n", f);
    if (r->n_comedications == 0) {
        fputs("<p>None were given. Tell your doctor about every other medicine you take. This "
              "matters most for opioids and other medicines that make you sleepy.",
              f);
        if (strcmp(gs_drug_name(r->drug), "gabapentin") == 0)
            fputs(" If you take an antacid, take gabapentin at least 2 hours after it. "
                  "<span class=\"src\">(Neurontin label 7)</span>",
                  f);
        fputs("</p>\n</section>\n", f);
        return;
    }
    fputs("<p>The blood levels and side effects above take your other medicines into account. "
          "The details are in the notes for your doctor below.</p>\n",
          f);
    int any = 0;
    for (size_t i = 0; i < r->n_interaction_notes; i++) {
        if (!other_warning(r, r->interaction_notes[i]))
            continue;
        fputs(any++ ? "<li>" : "<ul>\n<li>", f);
        gs__html_escape(f, r->interaction_notes[i] + 9);
        fputs("</li>\n", f);
    }
    fputs(any ? "</ul>\n</section>\n" : "</section>\n", f);
}

/* The medical words the page (or the evidence it quotes) uses, in plain words. */
static const char *const glossary[][2] = {
    {"Ataxia", "Clumsy or unsteady walking and movement."},
    {"Creatinine clearance (CrCl)",
     "A measure of how well the kidneys clean the blood, in mL per minute. It is worked out from "
     "a blood test, age, weight and sex."},
    {"CYP1A2 and CYP2D6",
     "Two of the tools (enzymes) the liver uses to break down medicines. Some medicines block "
     "them. Then other medicines build up in the blood."},
    {"Half-life", "The time it takes for half of a medicine to leave the body."},
    {"mg/L", "Milligrams per litre: how much medicine there is in each litre of blood."},
    {"Opioid", "A strong pain medicine, such as morphine, codeine or oxycodone."},
    {"Peripheral oedema", "Swelling of the feet, ankles or legs, caused by fluid."},
    {"Placebo", "A dummy pill with no medicine in it. Trials compare a medicine with it."},
    {"Respiratory depression", "Slow, shallow breathing. It can stop breathing."},
    {"Somnolence", "Drowsiness: feeling sleepy in the daytime."},
};

void gs__advise_glossary_html(FILE *f)
{
    fputs("<section id=\"glossary\"><h2>Words used on this page</h2>\n<dl>\n", f);
    for (size_t i = 0; i < sizeof glossary / sizeof *glossary; i++)
        fprintf(f, "<dt>%s</dt><dd>%s</dd>\n", glossary[i][0], glossary[i][1]);
    fputs("</dl></section>\n", f);
}

/* What the model did, in the clinician's words, folded away under a summary line. */
static void clinician_html(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_summary *s = &r->typical;
    fputs("<details id=\"clinician\"><summary>Details for your doctor or pharmacist</summary>\n"
          "<ul>\n",
          f);
    for (const char *line = r->plan.note; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        fputs("<li>", f);
        char buf[sizeof r->plan.note];
        snprintf(buf, sizeof buf, "%.*s", (int)len, line);
        gs__html_escape(f, buf);
        fputs("</li>\n", f);
        line += len + (nl != NULL);
    }
    fprintf(f,
            "<li>Typical patient: first-dose Cmax %.2g mg/L; steady state Cmin-Cmax %.2g-%.2g "
            "mg/L (Cavg %.2g), 90 %% of steady state %.0f h after the maintenance dose starts.</li>"
            "\n<li>%ld simulated patients, last dosing interval: Cavg %.2g (5th-95th percentile "
            "%.2g-%.2g) mg/L, Cmin %.2g (%.2g-%.2g) mg/L.</li>\n",
            s->cmax_mg_l, s->ss_cmin_mg_l, s->ss_cmax_mg_l, s->ss_cavg_mg_l, s->t90_ss_h, r->band.n,
            r->band.cavg_mg_l[1], r->band.cavg_mg_l[0], r->band.cavg_mg_l[2], r->band.cmin_mg_l[1],
            r->band.cmin_mg_l[0], r->band.cmin_mg_l[2]);
    for (size_t i = 0; i < r->n_interaction_notes; i++) {
        fputs("<li>", f);
        gs__html_escape(f, r->interaction_notes[i]);
        fputs("</li>\n", f);
    }
    fputs("<li>Model and sources: the drug file ", f);
    const char *slash = strrchr(gs_drug_origin(r->drug), '/');
    gs__html_escape(f, slash ? slash + 1 : gs_drug_origin(r->drug));
    fputs(" (gabasim drugs ", f);
    gs__html_escape(f, gs_drug_name(r->drug));
    fputs("); pain and side-effect models: data/pain.json and data/adverse.json, with their "
          "calibrations and assumptions (docs/model.md).</li>\n</ul></details>\n",
          f);
}

void gs__advise_sources_html(FILE *f, const struct gs_advise_result *r)
{
    fputs("<section id=\"sources\"><h2>Where the numbers come from</h2>\n<p>The numbers come "
          "from a computer model of the medicine. Its settings come from published studies and "
          "from the medicine's label. Each fact on this page names its source in small grey "
          "print. <span class=\"src\">(gabasim ",
          f);
    gs__html_escape(f, gs_version());
    fputs(")</span></p>\n", f);
    clinician_html(f, r);
    fputs("</section>\n", f);
}
