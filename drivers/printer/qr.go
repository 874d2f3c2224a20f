package printer

import (
	"fmt"
	"strings"
)

// A small QR Code encoder (ISO/IEC 18004) for previews: byte mode, error
// correction level M, versions 1 to 10, the same range the encoder sends
// to printers (qrCapacityM). The printer draws its own symbol from the
// GS ( k data and may pick another mask; the preview shows a symbol that
// scans to the same data at the same size.

// qrBlocksM is, for versions 1 to 10 at level M: total codewords, blocks,
// error correction codewords per block (ISO/IEC 18004 table 9).
var qrBlocksM = [10][3]int{
	{26, 1, 10}, {44, 1, 16}, {70, 1, 26}, {100, 2, 18}, {134, 2, 24},
	{172, 4, 16}, {196, 4, 18}, {242, 4, 22}, {292, 5, 22}, {346, 5, 26},
}

// qrAlign is the alignment pattern centre coordinates of versions 2 to 10
// (ISO/IEC 18004 annex E).
var qrAlign = [11][]int{
	2: {6, 18}, 3: {6, 22}, 4: {6, 26}, 5: {6, 30}, 6: {6, 34},
	7: {6, 22, 38}, 8: {6, 24, 42}, 9: {6, 26, 46}, 10: {6, 28, 50},
}

// qrSymbol is a QR code being drawn: dark modules and which are function
// patterns.
type qrSymbol struct {
	size int
	dark [][]bool // [y][x]
	fn   [][]bool // [y][x]: function module, not data
}

// qrEncode returns the modules of data as a QR code, dark[y][x].
func qrEncode(data []byte) ([][]bool, error) {
	v := qrVersion(len(data))
	if v == 0 {
		return nil, fmt.Errorf("QR data of %d bytes, at most %d fit", len(data), qrCapacityM[len(qrCapacityM)-1])
	}
	codewords := qrCodewords(data, v)
	best, bestPenalty := (*qrSymbol)(nil), 0
	for mask := range 8 {
		s := newQRSymbol(v)
		s.drawFunction(v, mask)
		s.drawCodewords(codewords)
		s.applyMask(mask)
		if p := s.penalty(); best == nil || p < bestPenalty {
			best, bestPenalty = s, p
		}
	}
	return best.dark, nil
}

func newQRSymbol(v int) *qrSymbol {
	size := 17 + 4*v
	s := &qrSymbol{size: size, dark: make([][]bool, size), fn: make([][]bool, size)}
	for y := range size {
		s.dark[y], s.fn[y] = make([]bool, size), make([]bool, size)
	}
	return s
}

func (s *qrSymbol) set(x, y int, dark bool) {
	s.dark[y][x], s.fn[y][x] = dark, true
}

// drawFunction draws finders, separators, timing, alignment, format and
// version information, and the dark module.
func (s *qrSymbol) drawFunction(v, mask int) {
	n := s.size
	for i := range n {
		s.set(6, i, i%2 == 0)
		s.set(i, 6, i%2 == 0)
	}
	for _, c := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x >= 0 && x < n && y >= 0 && y < n {
					d := max(abs(dx), abs(dy))
					s.set(x, y, d != 2 && d != 4)
				}
			}
		}
	}
	pos := qrAlign[v]
	for i, cx := range pos {
		for j, cy := range pos {
			if (i == 0 && j == 0) || (i == 0 && j == len(pos)-1) || (i == len(pos)-1 && j == 0) {
				continue // under a finder
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					s.set(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	s.drawFormat(mask)
	if v >= 7 {
		rem := v
		for range 12 {
			rem = rem<<1 ^ (rem>>11)*0x1f25
		}
		bits := v<<12 | rem
		for i := range 18 {
			dark := bits>>i&1 == 1
			a, b := n-11+i%3, i/3
			s.set(a, b, dark)
			s.set(b, a, dark)
		}
	}
}

// drawFormat draws the two copies of the format information: level M
// (bits 00) and the mask, BCH(15,5) protected and XORed with 0x5412.
func (s *qrSymbol) drawFormat(mask int) {
	n := s.size
	data := 0<<3 | mask
	rem := data
	for range 10 {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	bits := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return bits>>i&1 == 1 }
	for i := range 6 {
		s.set(8, i, bit(i))
	}
	s.set(8, 7, bit(6))
	s.set(8, 8, bit(7))
	s.set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		s.set(14-i, 8, bit(i))
	}
	for i := range 8 {
		s.set(n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		s.set(8, n-15+i, bit(i))
	}
	s.set(8, n-8, true) // the dark module
}

// drawCodewords places the bits in the zigzag from the bottom right.
func (s *qrSymbol) drawCodewords(cw []byte) {
	n, i := s.size, 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for vert := range n {
			for j := range 2 {
				x, y := right-j, vert
				if (right+1)&2 == 0 {
					y = n - 1 - vert
				}
				if !s.fn[y][x] && i < len(cw)*8 {
					s.dark[y][x] = cw[i>>3]>>(7-i&7)&1 == 1
					i++
				}
			}
		}
	}
}

func (s *qrSymbol) applyMask(mask int) {
	for y := range s.size {
		for x := range s.size {
			if s.fn[y][x] {
				continue
			}
			var flip bool
			switch mask {
			case 0:
				flip = (x+y)%2 == 0
			case 1:
				flip = y%2 == 0
			case 2:
				flip = x%3 == 0
			case 3:
				flip = (x+y)%3 == 0
			case 4:
				flip = (x/3+y/2)%2 == 0
			case 5:
				flip = x*y%2+x*y%3 == 0
			case 6:
				flip = (x*y%2+x*y%3)%2 == 0
			case 7:
				flip = ((x+y)%2+x*y%3)%2 == 0
			}
			s.dark[y][x] = s.dark[y][x] != flip
		}
	}
}

// penalty scores the symbol by the rules of ISO/IEC 18004 7.8.3: runs,
// 2×2 blocks, finder look-alikes, dark/light balance.
func (s *qrSymbol) penalty() int {
	n, p, darkCount := s.size, 0, 0
	at := func(x, y int, byRow bool) bool {
		if byRow {
			return s.dark[y][x]
		}
		return s.dark[x][y]
	}
	for _, byRow := range []bool{true, false} {
		for y := range n {
			run := 0
			for x := range n {
				if x > 0 && at(x, y, byRow) == at(x-1, y, byRow) {
					run++
				} else {
					run = 1
				}
				if run == 5 {
					p += 3
				} else if run > 5 {
					p++
				}
				if x+10 < n && finderLike(func(i int) bool { return at(x+i, y, byRow) }) {
					p += 40
				}
			}
		}
	}
	for y := range n {
		for x := range n {
			if s.dark[y][x] {
				darkCount++
			}
			if x+1 < n && y+1 < n && s.dark[y][x] == s.dark[y][x+1] && s.dark[y][x] == s.dark[y+1][x] && s.dark[y][x] == s.dark[y+1][x+1] {
				p += 3
			}
		}
	}
	total := n * n
	k := (abs(darkCount*20-total*10) + total - 1) / total
	return p + max(k-1, 0)*10
}

// finderLike reports 1011101 with four light modules after or before it.
func finderLike(at func(i int) bool) bool {
	a := [11]bool{true, false, true, true, true, false, true, false, false, false, false}
	same, rev := true, true
	for i := range 11 {
		same = same && at(i) == a[i]
		rev = rev && at(i) == a[10-i]
	}
	return same || rev
}

// qrCodewords builds the data codewords of version v (byte mode, level M),
// adds Reed-Solomon error correction per block and interleaves them.
func qrCodewords(data []byte, v int) []byte {
	total, blocks, ecLen := qrBlocksM[v-1][0], qrBlocksM[v-1][1], qrBlocksM[v-1][2]
	dataLen := total - blocks*ecLen
	var bits []bool
	put := func(val, n int) {
		for i := n - 1; i >= 0; i-- {
			bits = append(bits, val>>i&1 == 1)
		}
	}
	put(0b0100, 4)
	if v < 10 {
		put(len(data), 8)
	} else {
		put(len(data), 16)
	}
	for _, b := range data {
		put(int(b), 8)
	}
	put(0, min(4, dataLen*8-len(bits)))
	put(0, (8-len(bits)%8)%8)
	for pad := 0xec; len(bits) < dataLen*8; pad ^= 0xec ^ 0x11 {
		put(pad, 8)
	}
	dw := make([]byte, dataLen)
	for i, b := range bits {
		if b {
			dw[i/8] |= 0x80 >> (i % 8)
		}
	}
	short := blocks - total%blocks
	shortLen := total / blocks
	div := rsDivisor(ecLen)
	var blks [][]byte
	for i, k := 0, 0; i < blocks; i++ {
		n := shortLen - ecLen
		if i >= short {
			n++
		}
		d := dw[k : k+n]
		k += n
		blk := append(append([]byte(nil), d...), rsRemainder(d, div)...)
		if i < short {
			blk = append(blk[:n:n], append([]byte{0}, blk[n:]...)...) // placeholder
		}
		blks = append(blks, blk)
	}
	out := make([]byte, 0, total)
	for i := range blks[0] {
		for j, b := range blks {
			if i != shortLen-ecLen || j >= short {
				out = append(out, b[i])
			}
		}
	}
	return out
}

// gfMul multiplies in GF(256) modulo x^8+x^4+x^3+x^2+1.
func gfMul(x, y byte) byte {
	z := 0
	for i := 7; i >= 0; i-- {
		z = z<<1 ^ (z>>7)*0x11d
		z ^= int(y>>i&1) * int(x)
	}
	return byte(z)
}

// rsDivisor is the generator polynomial of degree n (roots α^0..α^(n-1)),
// highest coefficient (1) dropped.
func rsDivisor(n int) []byte {
	res := make([]byte, n)
	res[n-1] = 1
	root := byte(1)
	for range n {
		for j := range res {
			res[j] = gfMul(res[j], root)
			if j+1 < n {
				res[j] ^= res[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return res
}

func rsRemainder(data, div []byte) []byte {
	res := make([]byte, len(div))
	for _, b := range data {
		f := b ^ res[0]
		copy(res, res[1:])
		res[len(res)-1] = 0
		for i, d := range div {
			res[i] ^= gfMul(d, f)
		}
	}
	return res
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// qrSVG draws data as an SVG QR code, module dots a module, with its
// quiet zone, sized in ch (12 dots a column).
func qrSVG(data []byte, module int) (string, error) {
	m, err := qrEncode(data)
	if err != nil {
		return "", err
	}
	side := len(m) + 2*qrQuiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" style="width:%.2fch;height:%.2fch" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="`,
		side, side, float64(side*module)/12, float64(side*module)/12, side, side)
	for y, row := range m {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+qrQuiet, y+qrQuiet, run, run)
			x += run - 1
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
