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

func checkDeps(t *testing.T, pkg string, deps, forbidden []string) {
	t.Helper()
	for _, d := range deps {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
}

// TestApplianceImportsNoAdapters guards the shape of DESIGN.md. Badger
// links net/http through expvar, so a package that reaches Badger (the
// store and what uses it) is held to the adapters only; every other
// appliance package must not reach net/http either.
func TestApplianceImportsNoAdapters(t *testing.T) {
	pkgs := goList(t, "./...")
	if len(pkgs) < 3 {
		t.Fatalf("go list ./... found only %q", pkgs)
	}
	for _, p := range pkgs {
		deps := goList(t, "-deps", p)
		forbidden := append([]string{"net/http"}, adapters...)
		for _, d := range deps {
			if d == "github.com/dgraph-io/badger/v4" {
				forbidden = adapters
			}
		}
		checkDeps(t, p, deps, forbidden)
	}
}
