package render

import (
	"strings"
	"unicode"
)

// The SVG's font: DejaVu Sans and Verdana (one design, the widest of the
// common sans fonts) first, so that the width estimate below, taken from
// DejaVu Sans, is never short; narrower fallbacks only leave more room.
const svgFont = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"

// asciiWidths holds the advance widths of DejaVu Sans for the printable
// ASCII runes ' ' to '~', in thousandths of an em.
var asciiWidths = [95]uint16{
	318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
	636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
	1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
	603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
	500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
	635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
}

// runeWidth estimates the advance of r in ems.
func runeWidth(r rune) float64 {
	switch {
	case r >= ' ' && r <= '~':
		return float64(asciiWidths[r-' ']) / 1000
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200b':
		return 0 // combining marks and zero-width space
	case r == '′' || r == '″' || r == '‴':
		return 0.3
	case r == '¹' || r == '²' || r == '³' || r >= 0x2070 && r <= 0x209f || r >= 0x1d2c && r <= 0x1d6a:
		return 0.42 // superscripts and subscripts, ᵀ among them
	case r >= 0x2190 && r <= 0x22ff || r == '×' || r == '÷' || r == '±' || r == '¬':
		return 0.84 // arrows and mathematical operators such as ∘ −, ≥
	case r == '∂':
		return 0.55
	case r == '…' || r == '—':
		return 1
	case r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) ||
		r >= 0xff00 && r <= 0xff60 || r >= 0x1f000:
		return 1 // wide scripts, fullwidth forms, emoji
	case r >= 0x1d400 && r <= 0x1d7ff:
		return 0.7 // mathematical alphanumerics such as 𝟙
	}
	return 0.7 // Greek, Latin with accents and the rest
}

// textWidth estimates the width of s in px at the given font size.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w * size
}

// xmlEscaper escapes text for XML character data and attribute values. The
// runes that XML 1.0 forbids (control characters but tab, newline and
// carriage return) become U+FFFD.
var xmlEscaper = strings.NewReplacer(
	"&", "&amp;",
	"<", "&lt;",
	">", "&gt;",
	`"`, "&quot;",
	"'", "&#39;",
	"\t", "&#9;",
	"\n", "&#10;",
	"\r", "&#13;",
)

func xmlEscape(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff || r >= 0xd800 && r < 0xe000 {
			return '\uFFFD'
		}
		return r
	}, s)
	return xmlEscaper.Replace(s)
}
