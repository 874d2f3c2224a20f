package appliance_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestApplianceImportsNoAdapters guards the shape of DESIGN.md: the domain
// reaches no HTTP, websocket, PC/SC, TOML or printer code, and none of
// shouhou's adapter packages (model: tailscale tstest/deptest).
func TestApplianceImportsNoAdapters(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	forbidden := []string{
		"net/http",
		"github.com/gorilla/websocket",
		"github.com/ebfe/scard",
		"github.com/BurntSushi/toml",
		"shouhou/drivers",
		"shouhou/ui",
		"shouhou/conf",
		"shouhou/forms",
	}
	deps := strings.Fields(string(out))
	if len(deps) < 5 {
		t.Fatalf("go list -deps printed only %q", deps)
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("appliance depends on %s", d)
			}
		}
	}
}
