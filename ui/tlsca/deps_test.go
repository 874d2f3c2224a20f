package tlsca_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsOnlyTheStandardLibrary guards doc.go: certificates are made
// with the standard library alone, and the package knows nothing of the
// domain, the config, the drivers or HTTP (it keeps its keys through the
// Store interface; its tests use the real store).
func TestImportsOnlyTheStandardLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "shouhou/ui/tlsca").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps shouhou/ui/tlsca: %v\n%s", err, out)
	}
	for _, d := range strings.Fields(string(out)) {
		if d != "shouhou/ui/tlsca" {
			t.Errorf("tlsca depends on %s", d)
		}
	}
}
