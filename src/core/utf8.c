/* utf8.c - checking and repairing UTF-8 (see gabasim/utf8.h). */
#include "gabasim/utf8.h"

#include <string.h>

#include "gabasim/alloc.h"

/* The length of the well-formed sequence starting at u[0] (1 to 4), or 0 when u[0] does not
 * start one within the n bytes left. RFC 3629 section 4's table of well-formed byte sequences. */
static size_t sequence_length(const unsigned char *u, size_t n)
{
    unsigned c = u[0];
    size_t k;
    unsigned lo = 0x80, hi = 0xBF; /* the allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        k = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        k = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* no overlong three-byte forms */
        hi = c == 0xED ? 0x9F : 0xBF; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 3;
        lo = c == 0xF0 ? 0x90 : 0x80; /* no overlong four-byte forms */
        hi = c == 0xF4 ? 0x8F : 0xBF; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (k >= n) /* cut short by the end of the text */
        return 0;
    for (size_t j = 1; j <= k; j++) {
        unsigned b = u[j];
        if (b < (j == 1 ? lo : 0x80) || b > (j == 1 ? hi : 0xBF))
            return 0;
    }
    return k + 1;
}

size_t gs_utf8_invalid_at(const char *s, size_t n, size_t *line)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t lines = 1, i = 0;
    while (i < n) {
        size_t k = sequence_length(u + i, n - i);
        if (k == 0)
            break;
        lines += u[i] == '\n';
        i += k;
    }
    if (line)
        *line = lines;
    return i;
}

char *gs_utf8_repair(const char *s)
{
    size_t n = strlen(s), bad = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = sequence_length(u + i, n - i);
        bad += k == 0;
        i += k ? k : 1;
    }
    char *out = gs_malloc(n + 2 * bad + 1); /* each bad byte grows from 1 byte to 3 */
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = sequence_length(u + i, n - i);
        if (k == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    out[o] = '\0';
    return out;
}
