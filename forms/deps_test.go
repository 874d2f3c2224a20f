package forms_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFormsImportsNoAdapters guards doc.go: forms makes documents, never
// printer bytes, and knows nothing of the config, the UI or HTTP. (Its
// tests may use drivers/printer; the package may not.)
func TestFormsImportsNoAdapters(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "shouhou/forms").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps shouhou/forms: %v\n%s", err, out)
	}
	forbidden := []string{"shouhou/drivers", "shouhou/ui", "shouhou/conf", "net/http",
		"github.com/BurntSushi/toml", "github.com/gorilla/websocket", "github.com/ebfe/scard"}
	for _, d := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("forms depends on %s", d)
			}
		}
	}
}
