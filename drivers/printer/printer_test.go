package printer

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

// fastOpts keeps the timeout tests short.
var fastOpts = Opts{DialTimeout: time.Second, WriteTimeout: 300 * time.Millisecond, StatusTimeout: 300 * time.Millisecond}

func mustPrinter(tb testing.TB, addr string, opts Opts) *Printer {
	tb.Helper()
	p, err := New(addr, &opts)
	if err != nil {
		tb.Fatalf("New(%q): %v", addr, err)
	}
	return p
}

func sampleJob(tb testing.TB) *Job {
	tb.Helper()
	job, err := NewJob(SampleIntake(forms.Columns58), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return job
}

func TestParseAddr(t *testing.T) {
	tests := []struct {
		in      string
		want    Addr
		wantErr bool
	}{
		{"/dev/usb/lp0", Addr{Scheme: SchemeDevice, Path: "/dev/usb/lp0"}, false},
		{"tcp://192.0.2.7", Addr{Scheme: SchemeTCP, Host: "192.0.2.7:9100"}, false},
		{"tcp://printer.local:9101", Addr{Scheme: SchemeTCP, Host: "printer.local:9101"}, false},
		{"tcp://[::1]", Addr{Scheme: SchemeTCP, Host: "[::1]:9100"}, false},
		{"file:///tmp/out.bin", Addr{Scheme: SchemeFile, Path: "/tmp/out.bin"}, false},
		{"file:///dev/usb/lp1", Addr{Scheme: SchemeDevice, Path: "/dev/usb/lp1"}, false},
		{"dir:var/prints", Addr{Scheme: SchemeDir, Path: "var/prints"}, false},
		{"tcp://", Addr{}, true},
		{"tcp://host/path", Addr{}, true},
		{"file://relative/x", Addr{}, true},
		{"dir:", Addr{}, true},
		{"lp0", Addr{}, true},
		{"http://printer", Addr{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAddr(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseAddr(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err == nil {
				if back, err := ParseAddr(got.String()); err != nil || back != got {
					t.Errorf("ParseAddr(%q.String()) = %+v, %v", tt.in, back, err)
				}
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		state   escpostest.State
		want    Status
		wantErr error
	}{
		{"ready", escpostest.Ready, Status{Online: true}, nil},
		{"paper out", escpostest.PaperOut, Status{PaperOut: true, PaperNearEnd: true}, ErrPaperOut},
		{"cover open", escpostest.CoverOpen, Status{CoverOpen: true}, ErrCoverOpen},
		{"offline", escpostest.Offline, Status{}, ErrOffline},
		{"near end", escpostest.NearEnd, Status{Online: true, PaperNearEnd: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStatus(tt.state.Reply(1), tt.state.Reply(2), tt.state.Reply(4))
			if err != nil {
				t.Fatal(err)
			}
			got.Detail = ""
			if got != tt.want {
				t.Errorf("ParseStatus = %+v, want %+v", got, tt.want)
			}
			if err := got.Err(); !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Err() = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if _, err := ParseStatus(0x12, 0x00, 0x12); !errors.Is(err, ErrBadStatus) {
		t.Errorf("ParseStatus(0x12, 0x00, 0x12) = %v, want ErrBadStatus", err)
	}
	if s, _ := ParseStatus(0x1a, 0x32, 0x7e); !strings.HasPrefix(s.Detail, "脱机，缺纸") {
		t.Errorf("Detail = %q, want it to start with 脱机，缺纸", s.Detail)
	}
}

func TestPrintTCPStates(t *testing.T) {
	tests := []struct {
		name      string
		state     escpostest.State
		wantErr   error
		wantSent  bool
		wantCode  string
		wantWords string
	}{
		{"ready", escpostest.Ready, nil, true, "", ""},
		{"near end still prints", escpostest.NearEnd, nil, true, "", ""},
		{"paper out", escpostest.PaperOut, ErrPaperOut, false, appliance.EUNAVAILABLE, "缺纸"},
		{"cover open", escpostest.CoverOpen, ErrCoverOpen, false, appliance.EUNAVAILABLE, "机盖打开"},
		{"offline", escpostest.Offline, ErrOffline, false, appliance.EUNAVAILABLE, "脱机"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := escpostest.NewServer(t, tt.state, escpostest.Answering)
			p := mustPrinter(t, srv.Addr, fastOpts)
			job := sampleJob(t)
			r, err := p.Print(context.Background(), job)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Print() = %v, want %v", err, tt.wantErr)
			}
			jobs := srv.WaitJobs(1, 5*time.Second)
			if len(jobs) != 1 {
				t.Fatalf("server saw %d connections, want 1", len(jobs))
			}
			if tt.wantSent {
				if !bytes.Equal(jobs[0], job.Data) || r.Written != len(job.Data) || !r.Confirmed {
					t.Errorf("printer got %d bytes (receipt %+v), want the job's %d, confirmed", len(jobs[0]), r, len(job.Data))
				}
			} else if len(jobs[0]) != 0 || r.Written != 0 {
				t.Errorf("printer got %d bytes of a job it could not print", len(jobs[0]))
			}
			st, serr := p.Status(context.Background())
			if serr != nil || !errors.Is(st.Err(), tt.wantErr) || (tt.wantErr == nil) != (st.Err() == nil) {
				t.Errorf("Status() = %+v, %v; want state error %v", st, serr, tt.wantErr)
			}
			if cerr := p.Check(context.Background()); !errors.Is(cerr, tt.wantErr) || (tt.wantErr == nil) != (cerr == nil) {
				t.Errorf("Check() = %v, want %v", cerr, tt.wantErr)
			}
			if tt.wantErr != nil {
				de := DomainError(err)
				if appliance.ErrorCode(de) != tt.wantCode || !strings.Contains(appliance.ErrorMessage(de), tt.wantWords) {
					t.Errorf("DomainError(%v) = %v, want code %s naming %s", err, de, tt.wantCode, tt.wantWords)
				}
			}
		})
	}
}

// TestPrintTCPStateChangesBetweenJobs: a printer out of paper refuses the
// job; once paper is loaded the same Printer prints it.
func TestPrintTCPStateChangesBetweenJobs(t *testing.T) {
	srv := escpostest.NewServer(t, escpostest.PaperOut, escpostest.Answering)
	p := mustPrinter(t, srv.Addr, fastOpts)
	job := sampleJob(t)
	if _, err := p.Print(context.Background(), job); !errors.Is(err, ErrPaperOut) {
		t.Fatalf("Print() = %v, want ErrPaperOut", err)
	}
	srv.SetState(escpostest.Ready)
	if r, err := p.Print(context.Background(), job); err != nil || !r.Confirmed {
		t.Fatalf("Print() after loading paper = %+v, %v", r, err)
	}
	// The test printer records each connection when it ends, in its own
	// goroutine, so the two may be recorded in either order.
	jobs := srv.WaitJobs(2, 5*time.Second)
	var empty, whole int
	for _, j := range jobs {
		switch {
		case len(j) == 0:
			empty++
		case bytes.Equal(j, job.Data):
			whole++
		}
	}
	if len(jobs) != 2 || empty != 1 || whole != 1 {
		t.Errorf("server jobs: %d (%d empty, %d whole), want one empty (paper out: nothing sent) and the job", len(jobs), empty, whole)
	}
}

// TestPrintTCPPaperRunsOutDuringJob: the check before passes, the one
// after says paper out; the job was sent whole, so the error says so and
// the receipt shows every byte written and confirmed.
func TestPrintTCPPaperRunsOutDuringJob(t *testing.T) {
	srv := escpostest.NewServer(t, escpostest.Ready, escpostest.Answering)
	srv.SetStateAfter(3, escpostest.PaperOut)
	p := mustPrinter(t, srv.Addr, fastOpts)
	job := sampleJob(t)
	r, err := p.Print(context.Background(), job)
	if !errors.Is(err, ErrPaperOut) || !strings.Contains(err.Error(), "job sent") {
		t.Fatalf("Print() = %v, want ErrPaperOut after sending", err)
	}
	if r.Written != len(job.Data) || !r.Confirmed || !r.Status.PaperOut {
		t.Errorf("receipt %+v, want all %d bytes, confirmed, paper out", r, len(job.Data))
	}
	if jobs := srv.WaitJobs(1, 5*time.Second); len(jobs) != 1 || !bytes.Equal(jobs[0], job.Data) {
		t.Error("printer did not get the whole job")
	}
}

func TestPrintTCPNoAnswer(t *testing.T) {
	t.Run("mute printer times out as offline", func(t *testing.T) {
		srv := escpostest.NewServer(t, escpostest.Ready, escpostest.Mute)
		p := mustPrinter(t, srv.Addr, fastOpts)
		_, err := p.Print(context.Background(), sampleJob(t))
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrOffline) {
			t.Fatalf("Print() = %v, want ErrTimeout and ErrOffline", err)
		}
		if st, err := p.Status(context.Background()); !errors.Is(err, ErrTimeout) || st.Online {
			t.Errorf("Status() = %+v, %v; want offline with ErrTimeout", st, err)
		}
	})
	t.Run("mute printer with NoStatus prints unconfirmed", func(t *testing.T) {
		srv := escpostest.NewServer(t, escpostest.Ready, escpostest.Mute)
		o := fastOpts
		o.NoStatus = true
		p := mustPrinter(t, srv.Addr, o)
		job := sampleJob(t)
		r, err := p.Print(context.Background(), job)
		if err != nil || r.Confirmed || r.Written != len(job.Data) {
			t.Fatalf("Print() = %+v, %v; want all written, unconfirmed", r, err)
		}
		if jobs := srv.WaitJobs(1, 5*time.Second); len(jobs) != 1 || !bytes.Equal(jobs[0], job.Data) {
			t.Errorf("printer did not get the job")
		}
	})
	t.Run("deaf printer: status times out", func(t *testing.T) {
		srv := escpostest.NewServer(t, escpostest.Ready, escpostest.Deaf)
		p := mustPrinter(t, srv.Addr, fastOpts)
		if _, err := p.Print(context.Background(), sampleJob(t)); !errors.Is(err, ErrTimeout) {
			t.Fatalf("Print() = %v, want ErrTimeout", err)
		}
	})
	t.Run("deaf printer: a big job times out writing", func(t *testing.T) {
		srv := escpostest.NewServer(t, escpostest.Ready, escpostest.Deaf)
		o := fastOpts
		o.NoStatus = true
		p := mustPrinter(t, srv.Addr, o)
		job := &Job{Name: "big", Data: make([]byte, 64<<20)}
		r, err := p.Print(context.Background(), job)
		if !errors.Is(err, ErrTimeout) || r.Written >= len(job.Data) {
			t.Fatalf("Print() = %d bytes, %v; want ErrTimeout before the end", r.Written, err)
		}
	})
	t.Run("context cancel ends a blocked write", func(t *testing.T) {
		srv := escpostest.NewServer(t, escpostest.Ready, escpostest.Deaf)
		o := fastOpts
		o.NoStatus, o.WriteTimeout = true, time.Minute
		p := mustPrinter(t, srv.Addr, o)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := p.Print(ctx, &Job{Name: "big", Data: make([]byte, 64<<20)})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Print() = %v, want context.DeadlineExceeded", err)
		}
	})
}

func TestPrintAbsent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "tcp://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	tests := []struct {
		name, addr string
		want       error
	}{
		{"tcp refused", addr, ErrAbsent},
		{"no device node", filepath.Join(t.TempDir(), "lp9"), ErrAbsent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPrinter(t, tt.addr, fastOpts)
			if _, err := p.Print(context.Background(), sampleJob(t)); !errors.Is(err, tt.want) {
				t.Errorf("Print() = %v, want %v", err, tt.want)
			}
			if st, err := p.Status(context.Background()); !errors.Is(err, tt.want) || st.Online {
				t.Errorf("Status() = %+v, %v; want offline, %v", st, err, tt.want)
			}
			if msg := appliance.ErrorMessage(DomainError(ErrAbsent)); !strings.Contains(msg, "未连接") {
				t.Errorf("DomainError(ErrAbsent) message %q", msg)
			}
		})
	}
}

func TestDirSink(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "prints")
	p := mustPrinter(t, "dir:"+dir, fastOpts)
	job := sampleJob(t)
	for i, want := range []string{"0001-intake", "0002-intake"} {
		r, err := p.Print(context.Background(), job)
		if err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
		if r.Path != filepath.Join(dir, want+".bin") {
			t.Errorf("job %d written to %s, want %s.bin", i, r.Path, want)
		}
		bin, err := os.ReadFile(filepath.Join(dir, want+".bin"))
		if err != nil || !bytes.Equal(bin, job.Data) {
			t.Errorf("%s.bin: %d bytes, %v; want the job's %d", want, len(bin), err, len(job.Data))
		}
		txt, err := os.ReadFile(filepath.Join(dir, want+".txt"))
		if err != nil || string(txt) != job.Text {
			t.Errorf("%s.txt: %v; want the job's text preview", want, err)
		}
	}
	if st, err := p.Status(context.Background()); err != nil || !st.Online {
		t.Errorf("Status() = %+v, %v", st, err)
	}
	if _, err := p.Print(context.Background(), &Job{Name: "../../etc/x", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "0003-______etc_x.bin")); err != nil {
		t.Errorf("job name not made safe: %v", err)
	}
}

func TestFileSink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.bin")
	p := mustPrinter(t, "file://"+path, fastOpts)
	for range 2 {
		if _, err := p.Print(context.Background(), &Job{Name: "a", Data: []byte("AB")}); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "ABAB" {
		t.Errorf("file holds %q, %v; want the two jobs appended", got, err)
	}
}

// fakeDevice is one end of a socket pair standing in for a usblp node:
// pollable and bidirectional like the real one. The other end plays the
// printer: it answers DLE EOT with Ready and keeps every other byte; the
// channel gets them when the device is closed.
func fakeDevice(t *testing.T, path string) (*usbTransport, <-chan []byte) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		if err := syscall.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	pf := os.NewFile(uintptr(fds[1]), "peer")
	peer, err := net.FileConn(pf)
	pf.Close() // FileConn holds its own duplicate
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	got := make(chan []byte, 1)
	go func() {
		var job []byte
		buf := make([]byte, 4096)
		for {
			n, err := peer.Read(buf)
			for i := 0; i < n; i++ {
				if buf[i] == 0x10 && i+2 < n && buf[i+1] == 0x04 {
					peer.Write([]byte{escpostest.Ready.Reply(buf[i+2])})
					i += 2
					continue
				}
				job = append(job, buf[i])
			}
			if err != nil {
				got <- job
				return
			}
		}
	}()
	usb := newUSB(os.NewFile(uintptr(fds[0]), path), path, time.Second)
	if !usb.pollable {
		t.Fatal("socket file is not pollable")
	}
	return usb, got
}

// unidirectional is a usblp node on a unidirectional interface: a read
// fails with EINVAL, as usblp_read does.
type unidirectional struct{ *usbTransport }

func (u unidirectional) RealTimeStatus(n byte, deadline time.Time) (byte, error) {
	return 0, classify("read DLE EOT reply", u.path, &os.PathError{Op: "read", Path: u.path, Err: syscall.EINVAL})
}

func TestPrintDevice(t *testing.T) {
	const path = "/dev/usb/lp-test"
	tests := []struct {
		name          string
		uni           bool
		wantConfirmed bool
	}{
		{"bidirectional: confirmed by DLE EOT", false, true},
		{"unidirectional: drained, unconfirmed", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dev, got := fakeDevice(t, path)
			p := mustPrinter(t, path, fastOpts)
			p.openDevice = func(string, time.Duration) (Transport, error) {
				if tt.uni {
					return unidirectional{dev}, nil
				}
				return dev, nil
			}
			job := sampleJob(t)
			r, err := p.Print(context.Background(), job)
			if err != nil || r.Confirmed != tt.wantConfirmed || r.Written != len(job.Data) {
				t.Fatalf("Print() = %+v, %v; want all written, confirmed %v", r, err, tt.wantConfirmed)
			}
			if b := <-got; !bytes.Equal(b, job.Data) {
				t.Errorf("device got %d bytes, want %d", len(b), len(job.Data))
			}
		})
	}
	t.Run("unidirectional status is online without read-back", func(t *testing.T) {
		dev, _ := fakeDevice(t, path)
		p := mustPrinter(t, path, fastOpts)
		p.openDevice = func(string, time.Duration) (Transport, error) { return unidirectional{dev}, nil }
		st, err := p.Status(context.Background())
		if err != nil || !st.Online || !strings.Contains(st.Detail, "no status") {
			t.Errorf("Status() = %+v, %v", st, err)
		}
	})
	for _, e := range []struct {
		errno syscall.Errno
		want  error
		words string
	}{
		{syscall.EBUSY, ErrBusy, "占用"},
		{syscall.ENODEV, ErrAbsent, "未连接"},
		{syscall.EACCES, ErrPermission, "无权"},
	} {
		t.Run("open "+e.errno.Error(), func(t *testing.T) {
			p := mustPrinter(t, path, fastOpts)
			p.openDevice = func(path string, _ time.Duration) (Transport, error) {
				return nil, classify("open", path, &os.PathError{Op: "open", Path: path, Err: e.errno})
			}
			_, err := p.Print(context.Background(), sampleJob(t))
			if !errors.Is(err, e.want) || !strings.Contains(appliance.ErrorMessage(DomainError(err)), e.words) {
				t.Errorf("Print() = %v (%s), want %v", err, appliance.ErrorMessage(DomainError(err)), e.want)
			}
			if st, err := p.Status(context.Background()); !errors.Is(err, e.want) || st.Online {
				t.Errorf("Status() = %+v, %v", st, err)
			}
		})
	}
}

func TestClassifyErrno(t *testing.T) {
	tests := []struct {
		errno syscall.Errno
		want  error
	}{
		{syscall.EBUSY, ErrBusy},
		{syscall.ENODEV, ErrAbsent},
		{syscall.ENOENT, ErrAbsent},
		{syscall.EINVAL, ErrNoStatus},
		{syscall.ENOSPC, ErrPaperOut},
		{syscall.EACCES, ErrPermission},
		{syscall.ECONNREFUSED, ErrAbsent},
		{syscall.EPIPE, ErrOffline},
	}
	for _, tt := range tests {
		t.Run(tt.errno.Error(), func(t *testing.T) {
			op := "open"
			if tt.errno == syscall.EINVAL {
				op = "read DLE EOT 1 reply"
			}
			err := classify(op, "/dev/usb/lp0", &os.PathError{Op: op, Path: "/dev/usb/lp0", Err: tt.errno})
			if !errors.Is(err, tt.want) || !strings.HasPrefix(err.Error(), "printer: ") {
				t.Errorf("classify(%v) = %v, want %v", tt.errno, err, tt.want)
			}
		})
	}
}

func TestClassifyEINVALOnOpenIsNotNoStatus(t *testing.T) {
	err := classify("open", "/dev/usb/lp0", &os.PathError{Op: "open", Path: "/dev/usb/lp0", Err: syscall.EINVAL})
	if errors.Is(err, ErrNoStatus) || !strings.Contains(err.Error(), "invalid argument") {
		t.Errorf("classify(open EINVAL) = %v, want a plain error naming EINVAL", err)
	}
}

func TestDomainErrorPassesAndInvalid(t *testing.T) {
	if DomainError(nil) != nil {
		t.Error("DomainError(nil) != nil")
	}
	_, err := Encode(forms.New("t", 32).Barcode("单号"))
	if code := appliance.ErrorCode(DomainError(err)); code != appliance.EINVALID {
		t.Errorf("DomainError(encode error) code = %s, want %s", code, appliance.EINVALID)
	}
	ae := appliance.Errorf(appliance.ECONFLICT, "x")
	if DomainError(ae) != error(ae) {
		t.Error("DomainError changed an appliance error")
	}
}

func BenchmarkPrintTCP(b *testing.B) {
	b.Run("slip with status round trips", func(b *testing.B) {
		srv := escpostest.NewServer(b, escpostest.Ready, escpostest.Answering)
		p := mustPrinter(b, srv.Addr, Opts{})
		job := sampleJob(b)
		b.SetBytes(int64(len(job.Data)))
		for b.Loop() {
			if _, err := p.Print(context.Background(), job); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("1MiB without status", func(b *testing.B) {
		srv := escpostest.NewServer(b, escpostest.Ready, escpostest.Answering)
		srv.Discard()
		p := mustPrinter(b, srv.Addr, Opts{NoStatus: true})
		job := &Job{Name: "bulk", Data: bytes.Repeat([]byte("0123456789abcdef"), 1<<16)}
		b.SetBytes(int64(len(job.Data)))
		for b.Loop() {
			if _, err := p.Print(context.Background(), job); err != nil {
				b.Fatal(err)
			}
		}
	})
}
