package hqweb_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsNoDriver guards doc.go: the server takes its tables through
// the Source interface and reaches neither the drivers (PostgreSQL, NATS)
// nor the desk's ui.
func TestImportsNoDriver(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "shouhou/ui/hqweb").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps shouhou/ui/hqweb: %v\n%s", err, out)
	}
	for _, d := range strings.Fields(string(out)) {
		if strings.HasPrefix(d, "shouhou/drivers") || d == "shouhou/ui" || strings.Contains(d, "pgx") || strings.Contains(d, "nats") {
			t.Errorf("hqweb depends on %s", d)
		}
	}
}

// TestReportsImportsNoHTTP guards drivers/hqreports' doc.go: the reports
// import no HTTP and no ui (NATS, under hqstore, uses net/http itself).
func TestReportsImportsNoHTTP(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, "shouhou/drivers/hqreports").CombinedOutput()
	if err != nil {
		t.Fatalf("go list shouhou/drivers/hqreports: %v\n%s", err, out)
	}
	for _, d := range strings.Fields(string(out)) {
		if d == "net/http" || strings.HasPrefix(d, "shouhou/ui") {
			t.Errorf("hqreports depends on %s", d)
		}
	}
}
