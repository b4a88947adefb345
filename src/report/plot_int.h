/* plot_int.h - the plots' shared layout (src/report/plot*.c only): PLplot started on an outfile,
 * text placed and measured in page pixels, axes with their own ticks and labels, titles and
 * legends that wrap instead of running off the page.
 *
 * Every plot is laid out in page pixels (origin top left, y down) before PLplot draws it: text
 * widths are estimated from DejaVu Sans's advance widths (the sans-serif font of Debian's cairo
 * and a wide one among browsers' defaults, so a layout that fits with it fits with Arial or
 * Helvetica too), so labels are placed where they neither overlap nor leave the page.
 * PLplot keeps global state, and so does this layer (the page size): one thread only. */
#ifndef GABASIM_PLOT_INT_H
#define GABASIM_PLOT_INT_H

#include <stddef.h>

#include "gabasim/error.h"
#include "gabasim/outfile.h"
#include "gabasim/plot.h"

/* Colour map 0 entries set by gs__plot_begin. */
enum {
    GS__COL_TEXT = 1,     /* axes and text */
    GS__COL_LINE = 2,     /* main line (blue) */
    GS__COL_BAND = 3,     /* steady-state band (translucent orange) */
    GS__COL_RED = 4,      /* dose ticks, diamonds */
    GS__COL_ORANGE = 5,   /* band edges, reference lines */
    GS__COL_BAND90 = 6,   /* 90 % band (translucent blue) */
    GS__COL_BAND50 = 7,   /* 50 % band (darker translucent blue) */
    GS__COL_GREEN_BG = 8, /* dialysis sessions (translucent green) */
    GS__COL_GREY = 9,     /* null lines, missed doses */
    GS__COL_LIGHT = 10,   /* funnel background */
    GS__COL_WHITE = 11,
    GS__COL_SERIES = 12 /* 12..15: line-plot series */
};

/* Checks out->path (an error names `field`) and the driver, and starts PLplot on the outfile's
 * temporary file with a w x h pixel page. */
gs_status gs__plot_begin(struct gs_outfile *out, const char *field, int w, int h,
                         struct gs_error *err);
/* Ends the page and checks the file is whole (GS_IO naming `field` otherwise). */
gs_status gs__plot_end(struct gs_outfile *out, const char *field, struct gs_error *err);
/* Ends PLplot after a failure while drawing (the caller aborts the outfile). */
void gs__plot_abandon(void);

/* Estimated width in pixels of UTF-8 text `s` at font size `px` (bold: 15 % wider, DejaVu Sans
 * Bold). */
double gs__text_w(const char *s, double px, int bold);

/* Text at page pixel (x, y): `just` 0 left, 0.5 centre, 1 right of x; y is the text's vertical
 * middle. '#' is shown as itself (PLplot's escape character is doubled). */
void gs__text(double x, double y, double just, double px, int bold, const char *s);
/* The same turned 90 degrees (reading upwards), centred on (x, y). */
void gs__text_up(double x, double y, double px, const char *s);

/* Lines of `s` wrapped to at most `max_w` pixels at font `px` (words are never cut; a word
 * wider than max_w gets a line of its own). Writes up to `max_lines` NUL-terminated lines
 * into lines[i] (each `cap` bytes); returns the number of lines needed. */
size_t gs__wrap(const char *s, double px, int bold, double max_w, char (*lines)[256],
                size_t max_lines);

/* A plotting frame: its pixel box on the page and the data range it shows. */
struct gs__frame {
    double l, r, t, b;     /* pixels from the page's left and top edges */
    double x0, x1, y0, y1; /* data at the box's edges (y0 at the bottom) */
};
/* Selects the frame's box and data range for drawing in data units. */
void gs__frame_use(const struct gs__frame *f);
/* A missed dose at data x in the current frame (y from 0 to ymax): a dashed tick from
 * the axis and a cross above it (the caller sets the colour). */
void gs__missed_dose_mark(double x, double ymax);
/* Selects the whole page in pixels (y measured up from the bottom: use gs__text for text). */
void gs__page_use(void);
double gs__px_x(const struct gs__frame *f, double x);
double gs__px_y(const struct gs__frame *f, double y);
int gs__page_w(void);
int gs__page_h(void);

#define GS__MAX_TICKS 32
struct gs__ticks {
    size_t n;
    double v[GS__MAX_TICKS];   /* positions in data units */
    char s[GS__MAX_TICKS][32]; /* their labels */
};
/* Evenly spaced round ticks (1, 2, 2.5 or 5 times a power of ten) over [lo, hi], as many as fit
 * `avail_px` pixels with labels at font `px` that do not touch (vertical: `along_px` is the
 * label height instead of its width). */
void gs__ticks_linear(double lo, double hi, double avail_px, double px, int vertical,
                      struct gs__ticks *t);
/* Ticks for a ratio axis drawn in natural logs: [lo, hi] are logs, labels are ratios (0.1,
 * 0.2, 0.5, 1, 2, ... or finer steps on a narrow range). */
void gs__ticks_log(double lo, double hi, double avail_px, double px, struct gs__ticks *t);

/* The frame's box, ticks on the bottom and left edges, tick labels at font `px`, and the axis
 * titles (xlabel under the tick labels, ylabel turned up left of them; NULL: none). Returns the
 * pixel y just below the x axis title. */
double gs__axes(const struct gs__frame *f, const struct gs__ticks *xt, const struct gs__ticks *yt,
                double px, const char *xlabel, const char *ylabel);

/* Legend entries: a sample of how the item is drawn, then its label. */
enum gs__key {
    GS__KEY_LINE,
    GS__KEY_DASHED,
    GS__KEY_BAND,
    GS__KEY_TICK,
    GS__KEY_POINT,
    GS__KEY_CROSS
};
struct gs__legend_item {
    enum gs__key key;
    int col;
    const char *label;
};
/* Lays the entries out left to right from x0, wrapping at x1, at font `px`, rows from y
 * (top) down; draws them when `draw`. Returns the height used (pixels). */
double gs__legend(const struct gs__legend_item *it, size_t n, double x0, double x1, double y,
                  double px, int draw);
/* The title centred over [x0, x1], wrapped when too wide, from y (top) down; draws when
 * `draw`. Returns the height used. */
double gs__title(const char *s, double x0, double x1, double y, double px, int draw);

/* A time axis: hours, or days when the span is over 72 h. Returns the factor that turns hours
 * into the axis unit and sets *label. */
double gs__time_unit(double t0_h, double t1_h, const char **label);

/* Pages of a plot (gabasim/plot.h struct gs_plot_pages): room for n outfiles, none open yet
 * (p->n counts those opened). GS_NOMEM naming --plot otherwise. */
gs_status gs__pages_alloc(struct gs_plot_pages *p, size_t n, struct gs_error *err);
/* The file of page `page` (1-based) of a plot written to `path`: "DIR/NAME.svg" gives
 * "DIR/NAME-3.svg"; page 0 gives `path` itself. GS_INPUT naming `field` when it does not fit. */
gs_status gs__page_path(char *buf, size_t cap, const char *path, size_t page, const char *field,
                        struct gs_error *err);

#endif
