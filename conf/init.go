package conf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func writeDefaults(dir string) ([]string, error) {
	var exist []string
	for _, name := range FileNames() {
		p := filepath.Join(dir, name)
		if _, err := os.Lstat(p); err == nil {
			exist = append(exist, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("conf: %w", err)
		}
	}
	if len(exist) > 0 {
		return nil, fmt.Errorf("文件已存在，未写入任何文件 / files exist, nothing written: %s", strings.Join(exist, ", "))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("conf: %w", err)
	}
	var written []string
	for _, name := range FileNames() {
		data, err := DefaultFile(name)
		if err != nil {
			return written, fmt.Errorf("conf: %w", err)
		}
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return written, fmt.Errorf("conf: %w", err)
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, fmt.Errorf("conf: writing %s: %w", p, err)
		}
		written = append(written, p)
	}
	return written, nil
}
