/* gabasim/utf8.h - well-formed UTF-8: finding the first bad byte, and repairing text for output.
 *
 * Data files are refused when they are not UTF-8 (gs_datafile_read names the line and byte).
 * Text that cannot be refused - a file name from the command line, which the operating system
 * allows to be any bytes - is repaired before it reaches a JSON document, so that every JSON
 * output is valid (RFC 8259 requires UTF-8): each byte that does not start a well-formed
 * sequence becomes U+FFFD REPLACEMENT CHARACTER (one per byte: Python's errors="replace" and
 * browsers replace a truncated sequence's leading bytes with one, so counts can differ there).
 */
#ifndef GABASIM_UTF8_H
#define GABASIM_UTF8_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The offset of the first byte of s[0..n) that does not begin a well-formed UTF-8 sequence
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF; a sequence cut short by
 * the end is bad), or n when all of it is well formed. When line is not NULL it receives the
 * 1-based line of that byte (of the end, when all is well formed). */
size_t gs_utf8_invalid_at(const char *s, size_t n, size_t *line);

/* A copy of the NUL-terminated `s` with every bad byte replaced by U+FFFD (EF BF BD), allocated
 * with gs_malloc (free with gs_free); NULL when out of memory. Well-formed text is copied as is. */
char *gs_utf8_repair(const char *s);

#ifdef __cplusplus
}
#endif
#endif
