package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/drivers/printer"
	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

// writeDevices writes a config dir whose devices.toml has one desk and
// the printer given.
func writeDevices(t *testing.T, device string, width int) string {
	t.Helper()
	dir := t.TempDir()
	toml := fmt.Sprintf(`version = 1

[[desks]]
id = "desk1"
name = "服务台 1"
printer = "small"

[[printers]]
id = "small"
name = "58 小票机"
device = %q
width = %d
`, device, width)
	if err := os.WriteFile(filepath.Join(dir, "devices.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPrintTestConfiguredPrinter: print-test -printer prints on the
// configured printer's device at its paper width.
func TestPrintTestConfiguredPrinter(t *testing.T) {
	srv := escpostest.NewServer(t, escpostest.Ready, escpostest.Answering)
	dir := writeDevices(t, srv.Addr, 58)
	for _, c := range []struct {
		name string
		args []string
		code int
	}{
		{"named", []string{"print-test", "-conf", dir, "-printer", "small"}, 0},
		{"first printer", []string{"print-test", "-conf", dir}, 0},
		{"unknown printer", []string{"print-test", "-conf", dir, "-printer", "nope"}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(srv.Jobs())
			code, out := runCmd(c.args...)
			if code != c.code {
				t.Fatalf("%v = %d %q, want status %d", c.args, code, out, c.code)
			}
			if c.code != 0 {
				return
			}
			jobs := srv.WaitJobs(before+1, 10*time.Second)
			res, err := escpostest.Decode(jobs[len(jobs)-1])
			if err != nil {
				t.Fatal(err)
			}
			widest := 0
			for _, w := range res.Columns {
				widest = max(widest, w)
			}
			if widest != forms.Columns58 {
				t.Errorf("widest line %d columns, want %d (the configured 58 mm)", widest, forms.Columns58)
			}
		})
	}
}

// TestServePrintsToVirtualPrinter: serve -demo sends queued slips to the
// virtual printer under var/prints beside the data directory.
func TestServePrintsToVirtualPrinter(t *testing.T) {
	tmp := t.TempDir()
	m := MustRunMain(t, filepath.Join(tmp, "data"))
	q := m.PrintQueue()
	if q == nil {
		t.Fatal("serve has no print queue")
	}
	printerID := m.Config().Devices.Printers[0].ID
	id, err := q.Enqueue(t.Context(), "0007", "intake", printer.SampleIntake(forms.Columns80), printerID, 1)
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := q.Job(id)
		if err == nil && j.Status == appliance.PrintDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s = %+v, %v; want done", id, j, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	bins, _ := filepath.Glob(filepath.Join(tmp, "prints", "*-intake-*.bin"))
	txts, _ := filepath.Glob(filepath.Join(tmp, "prints", "*-intake-*.txt"))
	if len(bins) != 1 || len(txts) != 1 {
		t.Errorf("var/prints holds %v and %v, want one .bin and one .txt", bins, txts)
	}
}
