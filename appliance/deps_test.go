package appliance_test

import (
	"os/exec"
	"strings"
	"testing"
)

// adapters are what no appliance package may reach (model: tailscale
// tstest/deptest): the domain speaks the store's language only.
var adapters = []string{
	"github.com/gorilla/websocket",
	"github.com/ebfe/scard",
	"github.com/BurntSushi/toml",
	"shouhou/drivers",
	"shouhou/ui",
	"shouhou/conf",
	"shouhou/forms",
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, out)
	}
	return strings.Fields(string(out))
}

func checkDeps(t *testing.T, pkgs []string, forbidden []string) {
	t.Helper()
	deps := goList(t, append([]string{"-deps"}, pkgs...)...)
	if len(deps) < len(pkgs) {
		t.Fatalf("go list -deps %v printed only %q", pkgs, deps)
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("%v depends on %s", pkgs, d)
			}
		}
	}
}

// TestApplianceImportsNoAdapters guards the shape of DESIGN.md.
func TestApplianceImportsNoAdapters(t *testing.T) {
	var domain, storage []string
	for _, p := range goList(t, "./...") {
		if p == "shouhou/appliance/store" || strings.HasPrefix(p, "shouhou/appliance/store/") {
			storage = append(storage, p)
		} else {
			domain = append(domain, p)
		}
	}
	// The domain packages reach no HTTP either.
	checkDeps(t, domain, append([]string{"net/http"}, adapters...))
	// Badger links net/http through expvar, so the store is held to the rest.
	if len(storage) > 0 {
		checkDeps(t, storage, adapters)
	}
}
