package printer

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestQRStructure checks what a scanner needs to find the symbol: size,
// finder patterns, timing patterns.
func TestQRStructure(t *testing.T) {
	for v, n := range qrCapacityM {
		t.Run(fmt.Sprint("v", v+1), func(t *testing.T) {
			m, err := qrEncode([]byte(strings.Repeat("x", n)))
			if err != nil {
				t.Fatal(err)
			}
			size := 17 + 4*(v+1)
			if len(m) != size {
				t.Fatalf("%d bytes: %d modules, want %d (version %d)", n, len(m), size, v+1)
			}
			for _, c := range [][2]int{{0, 0}, {size - 7, 0}, {0, size - 7}} {
				for i := range 7 {
					if !m[c[1]][c[0]+i] || !m[c[1]+6][c[0]+i] || !m[c[1]+i][c[0]] || !m[c[1]+3][c[0]+3] {
						t.Fatalf("no finder pattern at %v", c)
					}
				}
			}
			for i := 8; i < size-8; i++ {
				if m[6][i] != (i%2 == 0) || m[i][6] != (i%2 == 0) {
					t.Fatalf("timing pattern broken at %d", i)
				}
			}
		})
	}
	if _, err := qrEncode(make([]byte, 214)); err == nil {
		t.Error("qrEncode(214 bytes) = nil error, want too long")
	}
}

// TestQRScansWithZbar has an independent decoder read the preview's QR
// codes: zbarimg from Debian's zbar-tools, skipped where not installed.
func TestQRScansWithZbar(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	inputs := []string{"T20261123-0042", "售后服务 T20261123-0042 https://desk.example/t/T20261123-0042"}
	for _, n := range qrCapacityM {
		inputs = append(inputs, strings.Repeat("0123456789ABCDEFghij", 11)[:n])
	}
	for _, data := range inputs {
		t.Run(fmt.Sprint(len(data)), func(t *testing.T) {
			m, err := qrEncode([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "qr.png")
			writeModules(t, path, m, 4)
			out, err := exec.Command(zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sqrcode.binary", path).Output()
			if err != nil {
				t.Fatalf("zbarimg: %v (%q)", err, out)
			}
			if got := strings.TrimSuffix(string(out), "\n"); got != data {
				t.Errorf("zbarimg reads %q, want %q", got, data)
			}
		})
	}
}

// writeModules renders QR modules as a PNG with a 4-module quiet zone.
func writeModules(t *testing.T, path string, m [][]bool, scale int) {
	t.Helper()
	side := (len(m) + 2*qrQuiet) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			my, mx := y/scale-qrQuiet, x/scale-qrQuiet
			img.Pix[y*img.Stride+x] = 0xff
			if my >= 0 && mx >= 0 && my < len(m) && mx < len(m) && m[my][mx] {
				img.Pix[y*img.Stride+x] = 0
			}
		}
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
