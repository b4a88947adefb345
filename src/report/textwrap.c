/* textwrap.c - terminal text wrapped at 92 columns (the width of gabasim's text reports). */
#include <string.h>

#include "report_int.h"

void gs__text_wrap(FILE *f, const char *lead, int indent, const char *s)
{
    int col = fprintf(f, "%s", lead);
    while (*s) {
        size_t w = strcspn(s, " ");
        if (col > indent && col + 1 + (int)w > 92) {
            col = fprintf(f, "\n%*s", indent, "") - 1;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        col += fprintf(f, "%.*s", (int)w, s);
        s += w;
        while (*s == ' ')
            s++;
    }
    fputc('\n', f);
}
