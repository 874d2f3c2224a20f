package printer

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

// quiet is a logger for tests that print nothing.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// mustStore opens a Badger store in dir, closed at the end of the test.
func mustStore(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Logger: quiet})
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// fastQueue is QueueOpts for tests: short backoffs, no idle polling.
func fastQueue(bus *appliance.Bus) *QueueOpts {
	o := &QueueOpts{Logger: quiet, MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond, IdlePoll: -1}
	if bus != nil {
		o.Events = bus
	}
	return o
}

// fastPrinter is Opts for a loopback printer: short timeouts.
func fastPrinter() *Opts {
	return &Opts{DialTimeout: time.Second, WriteTimeout: time.Second, StatusTimeout: 150 * time.Millisecond}
}

// target is a loopback test printer of mm paper.
func target(id, device string, mm int) Target {
	cols, _ := forms.ColumnsFor(mm)
	return Target{ID: id, Name: "测试打印机 " + id, Device: device, Columns: cols, Opts: fastPrinter()}
}

// mustQueue starts a queue on db, closed at the end of the test (before
// the store, whose cleanup was registered first).
func mustQueue(tb testing.TB, db *store.DB, opts *QueueOpts, ts ...Target) *Queue {
	tb.Helper()
	q, err := NewQueue(db, ts, opts)
	if err != nil {
		tb.Fatalf("NewQueue: %v", err)
	}
	tb.Cleanup(func() { q.Close() })
	return q
}

// numbered is a slip that says which job it is, with Chinese text long
// enough to wrap differently on 58 and 80 mm paper.
func numbered(n int) *forms.Document {
	d := forms.New("slip", forms.Columns80)
	d.Title("测试单")
	d.Row("序号 No", fmt.Sprintf("JOB %04d", n))
	d.Separator('-')
	d.Text("这是一段比较长的中文说明文字，用来检查换行是否按照打印机的纸宽重新排版。", forms.Style{})
	d.Cut(false)
	return d
}

var jobNumber = regexp.MustCompile(`JOB (\d{4})`)

// printedNumbers decodes the bytes a test printer received on each
// connection (a status read has no slip) and returns the job numbers in
// the order they printed; every line must fit columns.
func printedNumbers(tb testing.TB, jobs [][]byte, columns int) []int {
	tb.Helper()
	var out []int
	for _, b := range jobs {
		if len(b) == 0 {
			continue
		}
		res, err := escpostest.Decode(b)
		if err != nil { // a send cut off (a killed child): what came before counts
			tb.Logf("Decode: %v", err)
		}
		for i, blk := range res.Blocks {
			if res.Columns[i] > columns {
				tb.Errorf("line %q is %d columns, the paper has %d", blk.Text, res.Columns[i], columns)
			}
			if m := jobNumber.FindStringSubmatch(blk.Text); m != nil {
				n, _ := strconv.Atoi(m[1])
				out = append(out, n)
			}
		}
	}
	return out
}

// mustEnqueue queues numbered slips first..last for printer and returns
// their IDs.
func mustEnqueue(tb testing.TB, q *Queue, printer string, first, last int) []string {
	tb.Helper()
	var ids []string
	for n := first; n <= last; n++ {
		id, err := q.Enqueue(tb.Context(), "0007", "slip", numbered(n), printer, 1)
		if err != nil {
			tb.Fatalf("Enqueue(%d): %v", n, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// waitFor polls cond until it holds; after 15 s the test fails with what.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitStatus waits for the job's status.
func waitStatus(tb testing.TB, q *Queue, want appliance.PrintJobStatus, ids ...string) {
	tb.Helper()
	for _, id := range ids {
		waitFor(tb, "job "+id+" "+string(want), func() bool {
			j, err := q.Job(id)
			return err == nil && j.Status == want
		})
	}
}

// waitEvent reads sub until an event satisfies match.
func waitEvent[T any](tb testing.TB, sub *appliance.Subscription, kind string, match func(T) bool) T {
	tb.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case ev := <-sub.C():
			if d, ok := ev.Data.(T); ok && ev.Kind == kind && match(d) {
				return d
			}
		case <-timeout:
			var zero T
			tb.Fatalf("no %s event came", kind)
			return zero
		}
	}
}

// stateIs matches a printer state event.
func stateIs(printer, state string) func(PrinterState) bool {
	return func(s PrinterState) bool { return s.Printer == printer && s.State == state }
}

// wantCode checks err is an appliance error with code.
func wantCode(tb testing.TB, what string, err error, code string) {
	tb.Helper()
	var ae *appliance.Error
	if !errors.As(err, &ae) || ae.Code != code {
		tb.Errorf("%s = %v, want an appliance error %s", what, err, code)
	}
}

// proxy is a loopback TCP port that is at first closed (a printer not
// there) and, once listening, forwards each connection to its current
// target: a printer that appears, or is swapped, at a fixed address. It
// records what each connection sent in the order the connections came,
// which is the order the queue sent its jobs (the test printer records a
// job when its connection ends, and two ends can be seen out of order).
type proxy struct {
	addr string // 127.0.0.1:PORT

	mu     sync.Mutex // guards the fields below
	ln     net.Listener
	target string // host:port of the printer behind
	conns  []net.Conn
	sent   [][]byte // bytes from the queue, by connection in accept order
	ended  []bool   // whether the queue's side of each connection ended
	wg     sync.WaitGroup
}

// newPrinter starts a loopback test printer behind a recording proxy.
func newPrinter(tb testing.TB, st escpostest.State) (*escpostest.Server, *proxy) {
	tb.Helper()
	srv := escpostest.NewServer(tb, st, escpostest.Answering)
	px := newProxy(tb)
	px.forward(tb, srv)
	return srv, px
}

// jobs returns what each ended connection sent, DLE EOT queries
// included, in the order the connections came.
func (p *proxy) jobs() [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][]byte
	for i, b := range p.sent {
		if p.ended[i] {
			out = append(out, append([]byte(nil), b...))
		}
	}
	return out
}

// record is an io.Writer appending to connection i's bytes.
type record struct {
	p *proxy
	i int
}

func (r record) Write(b []byte) (int, error) {
	r.p.mu.Lock()
	r.p.sent[r.i] = append(r.p.sent[r.i], b...)
	r.p.mu.Unlock()
	return len(b), nil
}

// newProxy reserves a loopback port and leaves it closed.
func newProxy(tb testing.TB) *proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &proxy{addr: ln.Addr().String()}
	ln.Close()
	tb.Cleanup(p.close)
	return p
}

// device is the proxy's printer address.
func (p *proxy) device() string { return "tcp://" + p.addr }

// forward makes connections go to srv (listening first if needed).
func (p *proxy) forward(tb testing.TB, srv *escpostest.Server) {
	tb.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.target = srv.Addr[len("tcp://"):]
	if p.ln != nil {
		return
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		tb.Fatalf("proxy listen %s: %v", p.addr, err)
	}
	p.ln = ln
	p.wg.Add(1)
	go p.accept(ln)
}

// accepted returns how many connections the proxy took.
func (p *proxy) accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.sent)
}

func (p *proxy) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		i := len(p.sent)
		p.sent, p.ended = append(p.sent, nil), append(p.ended, false)
		target := p.target
		up, err := net.Dial("tcp", target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { // client → printer, passing the end of the job on
			defer p.wg.Done()
			io.Copy(io.MultiWriter(up, record{p, i}), c)
			p.mu.Lock()
			p.ended[i] = true
			p.mu.Unlock()
			up.(*net.TCPConn).CloseWrite()
		}()
		go func() { // printer → client
			defer p.wg.Done()
			io.Copy(c, up)
			c.Close()
		}()
	}
}

func (p *proxy) close() {
	p.mu.Lock()
	if p.ln != nil {
		p.ln.Close()
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
