"""svg_layout.py - reads the SVG that PLplot's svg driver writes, for tests/cli/plots.sh.

PLplot draws everything inside <g transform="matrix(1 0 0 -1 0 H)"> (y up) and each text as a
<text transform="matrix(a b c d e f)" x=0 y=dy font-size=.. text-anchor=..> whose characters are
numeric entities inside <tspan>s. Text is returned in page pixels (y down) with an approximate
bounding box: the width from DejaVu Sans's advance widths (the font the plots are laid out for),
the height from the font size (ascent 0.76, descent 0.24 of it). Polylines are returned as lists
of page points with their stroke colour.
"""
import re
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"

# DejaVu Sans advance widths of ' ' .. '~', thousandths of an em (DejaVuSans.ttf, hmtx)
ASCII_W = [318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636,
           636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684,
           686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695,
           635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550,
           635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392,
           634, 592, 818, 592, 592, 525, 636, 337, 636, 838]


def text_width(s, size):
    em = 0
    for ch in s:
        c = ord(ch)
        em += ASCII_W[c - 32] if 32 <= c < 127 else (1000 if c >= 0x2E80 else 760)
    return em / 1000.0 * size


class Text:
    def __init__(self, s, x, y, size, anchor, vertical, bold):
        self.s, self.x, self.y, self.size = s, x, y, size  # x, y: anchor point on the baseline
        self.anchor, self.vertical = anchor, vertical
        w = text_width(s, size) * (1.15 if bold else 1.0)
        off = {"start": 0.0, "middle": 0.5, "end": 1.0}[anchor]
        if vertical:  # reads upwards: the width runs along -y
            self.box = (x - 0.76 * size, y - (1 - off) * w, x + 0.24 * size, y + off * w)
        else:
            self.box = (x - off * w, y - 0.76 * size, x + (1 - off) * w, y + 0.24 * size)

    def __repr__(self):
        return "%r at (%.1f, %.1f)" % (self.s, self.x, self.y)


def parse(path):
    """Returns (width, height, texts, polylines)."""
    root = ET.parse(path).getroot()
    vb = [float(v) for v in root.get("viewBox").split()]
    W, H = vb[2], vb[3]
    texts, lines = [], []
    for el in root.iter():
        if el.tag == NS + "text":
            a, b, c, d, e, f = [float(v) for v in
                                re.search(r"matrix\(([^)]*)\)", el.get("transform")).group(1).split()]
            ly = float(el.get("y", "0"))
            gx, gy = c * ly + e, d * ly + f  # the anchor in the flipped group
            s = "".join(el.itertext())
            bold = any(t.get("font-weight") == "bold" for t in el.iter(NS + "tspan"))
            texts.append(Text(s, gx, H - gy, float(el.get("font-size")),
                              el.get("text-anchor", "start"), abs(b) > 0.5, bold))
        elif el.tag == NS + "polyline":
            pts = [tuple(float(v) for v in p.split(",")) for p in el.get("points").split()]
            lines.append((el.get("stroke"), [(x, H - y) for x, y in pts]))
    return W, H, texts, lines


def outside(texts, W, H):
    """Texts whose box leaves the page."""
    return [t for t in texts
            if t.box[0] < -0.5 or t.box[1] < -0.5 or t.box[2] > W + 0.5 or t.box[3] > H + 0.5]


def overlaps(texts, slack=1.0):
    """Pairs of texts whose boxes overlap by more than `slack` pixels each way."""
    out = []
    ts = sorted(texts, key=lambda t: t.box[1])
    for i, t in enumerate(ts):
        for u in ts[i + 1:]:
            if u.box[1] > t.box[3] - slack:
                break
            if min(t.box[2], u.box[2]) - max(t.box[0], u.box[0]) > slack and \
               min(t.box[3], u.box[3]) - max(t.box[1], u.box[1]) > slack:
                out.append((t, u))
    return out


def dashed_rows(lines, min_pieces=10):
    """Horizontal dashed lines (PLplot draws dashes as short segments): {(stroke, y): span}."""
    rows = {}
    for stroke, pts in lines:
        if len(pts) == 2 and abs(pts[0][1] - pts[1][1]) < 0.01 and abs(pts[0][0] - pts[1][0]) < 12:
            key = (stroke, round(pts[0][1], 1))
            rows.setdefault(key, []).append(min(pts[0][0], pts[1][0]))
    return {k: max(v) - min(v) for k, v in rows.items() if len(v) >= min_pieces}


def axis_y(texts):
    """The y axis's mapping value -> page y, from its numeric tick labels (the largest group of
    right-aligned numbers sharing one x): (slope, intercept, x of the labels)."""
    groups = {}
    for t in texts:
        if t.anchor == "end" and not t.vertical and re.fullmatch(r"-?\d+(\.\d+)?", t.s):
            groups.setdefault(round(t.x), []).append(t)
    x, ticks = max(groups.items(), key=lambda g: len(g[1]))
    ticks = [(float(t.s), t.y - 0.41 * t.size) for t in ticks]
    (v0, y0), (v1, y1) = ticks[0], ticks[-1]
    k = (y1 - y0) / (v1 - v0)
    return k, y0 - k * v0, x
