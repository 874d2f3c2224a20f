package printer

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
)

// Address kinds.
const (
	SchemeDevice = "device" // a device node such as /dev/usb/lp0
	SchemeTCP    = "tcp"    // raw TCP, port 9100 by default
	SchemeFile   = "file"   // a plain file; each job is appended
	SchemeDir    = "dir"    // a directory; each job is a new NNNN-name.bin
)

// DefaultTCPPort is the raw printing port of network receipt printers.
const DefaultTCPPort = "9100"

// Addr is where a printer is: a parsed device string.
type Addr struct {
	// Scheme is SchemeDevice, SchemeTCP, SchemeFile or SchemeDir.
	Scheme string
	// Path is the device, file or directory path.
	Path string
	// Host is host:port for SchemeTCP.
	Host string
}

// ParseAddr parses a device string: "/dev/usb/lp0" (any absolute path is a
// device node), "tcp://HOST[:PORT]", "file:///PATH" (a device node when
// PATH is under /dev/) or "dir:PATH".
func ParseAddr(s string) (Addr, error) {
	switch {
	case strings.HasPrefix(s, "/"):
		return Addr{Scheme: SchemeDevice, Path: filepath.Clean(s)}, nil
	case strings.HasPrefix(s, "dir:"):
		p := strings.TrimPrefix(s, "dir:")
		if p == "" {
			return Addr{}, fmt.Errorf("printer: address %q: empty directory", s)
		}
		return Addr{Scheme: SchemeDir, Path: filepath.Clean(p)}, nil
	case strings.HasPrefix(s, "tcp://"):
		return parseTCP(s)
	case strings.HasPrefix(s, "file://"):
		u, err := url.Parse(s)
		if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return Addr{}, fmt.Errorf("printer: address %q: want file:///ABSOLUTE/PATH", s)
		}
		p := filepath.Clean(u.Path)
		if strings.HasPrefix(p, "/dev/") {
			return Addr{Scheme: SchemeDevice, Path: p}, nil
		}
		return Addr{Scheme: SchemeFile, Path: p}, nil
	}
	return Addr{}, fmt.Errorf("printer: address %q: want /dev/PATH, tcp://HOST:PORT, file:///PATH or dir:PATH", s)
}

func parseTCP(s string) (Addr, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return Addr{}, fmt.Errorf("printer: address %q: want tcp://HOST:PORT", s)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = DefaultTCPPort
	}
	if host == "" {
		return Addr{}, fmt.Errorf("printer: address %q: no host", s)
	}
	return Addr{Scheme: SchemeTCP, Host: net.JoinHostPort(host, port)}, nil
}

// String returns the address in the form ParseAddr reads.
func (a Addr) String() string {
	switch a.Scheme {
	case SchemeTCP:
		return "tcp://" + a.Host
	case SchemeFile:
		return "file://" + a.Path
	case SchemeDir:
		return "dir:" + a.Path
	}
	return a.Path
}
