package printer

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCode128ScansWithZbar draws the symbol the printer draws from our
// GS k payload and has an independent decoder read it: zbarimg from
// Debian's zbar-tools. Skipped where zbarimg is not installed.
func TestCode128ScansWithZbar(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	for _, data := range []string{"T20261123-0042", "A{b}12345", "0042", "Hello, World ~"} {
		t.Run(data, func(t *testing.T) {
			payload, _, err := code128(data)
			if err != nil {
				t.Fatal(err)
			}
			vals, err := code128Values(payload)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "bars.png")
			writeBars(t, path, vals, 3, 80)
			out, err := exec.Command(zbar, "--raw", "-q", "-Sdisable", "-Scode128.enable", path).Output()
			if err != nil {
				t.Fatalf("zbarimg: %v (%s)", err, out)
			}
			if got := strings.TrimRight(string(out), "\n"); got != data {
				t.Errorf("zbarimg reads %q, want %q", got, data)
			}
		})
	}
}

// writeBars renders symbol values as a PNG, scale pixels a module.
func writeBars(t *testing.T, path string, vals []int, scale, height int) {
	t.Helper()
	var widths []int
	for _, v := range vals {
		for _, c := range code128Patterns[v] {
			widths = append(widths, int(c-'0'))
		}
	}
	total := 2 * code128Quiet
	for _, w := range widths {
		total += w
	}
	img := image.NewGray(image.Rect(0, 0, total*scale, height))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	x := code128Quiet * scale
	for i, w := range widths {
		if i%2 == 0 {
			for dx := 0; dx < w*scale; dx++ {
				for y := 0; y < height; y++ {
					img.SetGray(x+dx, y, color.Gray{})
				}
			}
		}
		x += w * scale
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
