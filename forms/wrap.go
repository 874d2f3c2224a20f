package forms

import "strings"

// WrapWords breaks s into printable lines at most width columns wide, like
// Wrap, but keeps every run of ASCII letters, digits and marks whole when
// it fits on a line, even inside Chinese text without spaces: a room
// number (3单元1201室), a model (KFR-35GW/N8XHA1) or a phone number is
// never cut in two. Chinese characters break anywhere, closing punctuation
// never starts a line, a run wider than a line is cut where it must be.
// Forms pre-wrap values with it; each line then passes Layout unchanged.
func WrapWords(s string, width int) []string {
	var out []string
	for _, para := range strings.Split(Printable(s), "\n") {
		out = append(out, wrapUnits(words(para), width)...)
	}
	return out
}

// words splits a printable line into units a line may break between: a
// run of non-space ASCII, a space, or one other character.
func words(s string) []string {
	var out []string
	start := -1 // start of the current ASCII run
	for i, c := range s {
		if c < 0x80 && c != ' ' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
		out = append(out, string(c))
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// wrapUnits fills lines of at most width columns with units, greedily.
func wrapUnits(units []string, width int) []string {
	if width < 4 {
		return Wrap(strings.Join(units, ""), width)
	}
	var lines, line []string
	w := 0
	flush := func() {
		lines = append(lines, strings.TrimRight(strings.Join(line, ""), " "))
		line, w = nil, 0
	}
	for _, u := range units {
		uw := Width(u)
		switch {
		case u == " " && w == 0 && len(lines) > 0:
			// no leading space on a wrapped line
		case w+uw <= width:
			line, w = append(line, u), w+uw
		case u == " ":
			flush()
		case uw > width:
			// A run longer than a line: cut it, go on after its last piece.
			if w > 0 {
				flush()
			}
			pieces := Wrap(u, width)
			lines = append(lines, pieces[:len(pieces)-1]...)
			last := pieces[len(pieces)-1]
			line, w = []string{last}, Width(last)
		case len(line) > 1 && noLineStart([]rune(u)[0]) && Width(line[len(line)-1])+uw <= width:
			// Kinsoku: the unit before closing punctuation goes down with it.
			prev := line[len(line)-1]
			line = line[:len(line)-1]
			flush()
			line, w = []string{prev, u}, Width(prev)+uw
		default:
			flush()
			line, w = []string{u}, uw
		}
	}
	if len(line) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}
