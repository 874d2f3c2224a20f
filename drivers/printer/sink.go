package printer

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// fileTransport appends each job to one plain file.
type fileTransport struct {
	f *os.File
}

func openFile(path string) (*fileTransport, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, classify("open", path, err)
	}
	return &fileTransport{f: f}, nil
}

func (t *fileTransport) Write(p []byte) (int, error) {
	n, err := t.f.Write(p)
	if err != nil {
		return n, classify("write", t.f.Name(), err)
	}
	return n, nil
}

// Close makes the bytes durable and closes the file.
func (t *fileTransport) Close() error {
	serr := t.f.Sync()
	cerr := t.f.Close()
	if serr != nil {
		return classify("fsync", t.f.Name(), serr)
	}
	return classify("close", t.f.Name(), cerr)
}

// dirTransport writes one job into a directory as NNNN-name.bin (the exact
// bytes) and NNNN-name.txt (the text preview), both fsync'd, then the
// directory too: the demo printer of var/prints.
type dirTransport struct {
	dir  string
	f    *os.File
	text string
}

// openDir creates the next NNNN-name.bin in dir for the job.
func openDir(dir string, job *Job) (*dirTransport, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, classify("mkdir", dir, err)
	}
	name := safeName(job.Name)
	for range 100 {
		seq, err := nextSeq(dir)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, fmt.Sprintf("%04d-%s.bin", seq, name))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if os.IsExist(err) {
			continue // another writer took seq
		}
		if err != nil {
			return nil, classify("create", path, err)
		}
		return &dirTransport{dir: dir, f: f, text: job.Text}, nil
	}
	return nil, fmt.Errorf("printer: %s: no free job number", dir)
}

// nextSeq returns one more than the highest NNNN- prefix in dir.
func nextSeq(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, classify("read", dir, err)
	}
	high := 0
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "-")
		if !ok {
			continue
		}
		if n, err := strconv.Atoi(num); err == nil && n > high {
			high = n
		}
	}
	return high + 1, nil
}

// safeName keeps letters, digits, '-' and '_' of a job name.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
	if s == "" {
		return "job"
	}
	return s
}

// Path returns the .bin file's path.
func (t *dirTransport) Path() string { return t.f.Name() }

func (t *dirTransport) Write(p []byte) (int, error) {
	n, err := t.f.Write(p)
	if err != nil {
		return n, classify("write", t.f.Name(), err)
	}
	return n, nil
}

// Close fsyncs the .bin, writes and fsyncs the .txt preview, then fsyncs
// the directory.
func (t *dirTransport) Close() error {
	bin := t.f.Name()
	if err := t.f.Sync(); err != nil {
		t.f.Close()
		return classify("fsync", bin, err)
	}
	if err := t.f.Close(); err != nil {
		return classify("close", bin, err)
	}
	txt := strings.TrimSuffix(bin, ".bin") + ".txt"
	if err := writeSynced(txt, []byte(t.text)); err != nil {
		return err
	}
	d, err := os.Open(t.dir)
	if err != nil {
		return classify("open", t.dir, err)
	}
	defer d.Close()
	return classify("fsync", t.dir, d.Sync())
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return classify("create", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return classify("write", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return classify("fsync", path, err)
	}
	return classify("close", path, f.Close())
}
