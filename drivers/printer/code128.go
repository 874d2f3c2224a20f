package printer

import (
	"fmt"
	"strings"
)

// code128Patterns are the bar and space widths in modules of the CODE128
// symbol values 0 to 106 (ISO/IEC 15417 table 1), bar first: 103, 104 and
// 105 are START A, B and C, 106 is STOP (with its final bar).
var code128Patterns = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "2331112",
}

// CODE128 symbol values with a meaning of their own.
const (
	c128CodeC  = 99  // in code set B: switch to C
	c128CodeB  = 100 // in code set C: switch to B
	c128StartB = 104
	c128StartC = 105
	c128Stop   = 106
)

// code128Values turns a GS k 73 payload (see code128) into the symbol
// values the printer draws: start, data and switches, check, stop.
func code128Values(payload []byte) ([]int, error) {
	var vals []int
	set := byte(0)
	for i := 0; i < len(payload); i++ {
		c := payload[i]
		if c == '{' && i+1 < len(payload) && payload[i+1] != '{' {
			i++
			switch {
			case set == 0 && payload[i] == 'B':
				vals = append(vals, c128StartB)
			case set == 0 && payload[i] == 'C':
				vals = append(vals, c128StartC)
			case payload[i] == 'B':
				vals = append(vals, c128CodeB)
			case payload[i] == 'C':
				vals = append(vals, c128CodeC)
			default:
				return nil, fmt.Errorf("CODE128 code set {%c", payload[i])
			}
			set = payload[i]
			continue
		}
		if c == '{' {
			i++ // "{{" is '{'
		}
		switch set {
		case 'B':
			vals = append(vals, int(c)-32)
		case 'C':
			vals = append(vals, int(c))
		default:
			return nil, fmt.Errorf("CODE128 payload does not start with a code set")
		}
	}
	sum := vals[0]
	for i, v := range vals[1:] {
		sum += (i + 1) * v
	}
	return append(vals, sum%103, c128Stop), nil
}

// code128SVG draws data as an SVG CODE128 symbol, module dots a module,
// height dots tall, with quiet zones, scaled to the given CSS width.
func code128SVG(data string, module, height int) (string, error) {
	payload, modules, err := code128(data)
	if err != nil {
		return "", err
	}
	vals, err := code128Values(payload)
	if err != nil {
		return "", err
	}
	total := (modules + 2*code128Quiet) * module
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" style="width:%.2fch;height:%.2fch" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/>`,
		total, height, float64(total)/12, float64(height)/12, total, height)
	x := code128Quiet * module
	for _, v := range vals {
		for j, w := range code128Patterns[v] {
			width := int(w-'0') * module
			if j%2 == 0 {
				fmt.Fprintf(&b, `<rect x="%d" width="%d" height="%d"/>`, x, width, height)
			}
			x += width
		}
	}
	b.WriteString("</svg>")
	return b.String(), nil
}
