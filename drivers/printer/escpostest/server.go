package escpostest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// State is a printer state the Server reports through DLE EOT.
type State int

// States, with the reply bytes of DLE EOT 1, 2 and 4 that a real printer
// sends in them (Epson ESC/POS reference, DLE EOT).
const (
	Ready     State = iota // 0x12 0x12 0x12
	PaperOut               // offline, paper-end stop, paper not present
	CoverOpen              // offline, cover open
	Offline                // offline, no cause given
	NearEnd                // ready, paper near end
)

// Reply returns the status byte a printer in state s sends for DLE EOT n.
func (s State) Reply(n byte) byte {
	const fixed = 0x12
	switch n {
	case 1:
		if s == PaperOut || s == CoverOpen || s == Offline {
			return fixed | 0x08
		}
	case 2:
		switch s {
		case PaperOut:
			return fixed | 0x20
		case CoverOpen:
			return fixed | 0x04
		}
	case 4:
		switch s {
		case PaperOut:
			return fixed | 0x60 | 0x0c
		case NearEnd:
			return fixed | 0x0c
		}
	}
	return fixed
}

// Mode is how the Server treats its connections.
type Mode int

// Modes.
const (
	// Answering reads everything and answers each DLE EOT.
	Answering Mode = iota
	// Mute reads everything and answers nothing, like a printer that does
	// not support status.
	Mute
	// Deaf accepts connections and never reads from them, like a printer
	// whose buffer is full.
	Deaf
)

// Server is a loopback TCP receipt printer on 127.0.0.1:0. It records the
// bytes of each connection (a job), with the DLE EOT queries taken out,
// and answers DLE EOT n with its State's reply. A 0x10 0x04 inside job
// data (a barcode or QR payload) would be taken for a query too, as a real
// printer does.
type Server struct {
	// Addr is "tcp://127.0.0.1:PORT".
	Addr string

	ln net.Listener
	wg sync.WaitGroup

	mu sync.Mutex
	// state, mode, discard, jobs, conns, queries and the pending change
	// (next, nextAt) are guarded by mu.
	state   State
	mode    Mode
	discard bool
	jobs    [][]byte
	conns   []net.Conn
	queries int
	next    State
	nextAt  int
	// done is signalled (non-blocking) each time a job ends.
	done chan struct{}
}

// NewServer starts a Server; tb's cleanup stops it.
func NewServer(tb testing.TB, state State, mode Mode) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("escpostest: listen: %v", err)
	}
	s := &Server{Addr: "tcp://" + ln.Addr().String(), ln: ln, state: state, mode: mode, done: make(chan struct{}, 1)}
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.Close)
	return s
}

// SetState changes the state reported from now on.
func (s *Server) SetState(st State) {
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
}

// SetStateAfter makes the state become st once the server has answered n
// more DLE EOT queries: a printer that runs out of paper during a job.
func (s *Server) SetStateAfter(n int, st State) {
	s.mu.Lock()
	s.next, s.nextAt = st, s.queries+n
	s.mu.Unlock()
}

// Discard makes the server keep only the count of jobs, not their bytes
// (Jobs returns empty slices), for benchmarks sending a lot.
func (s *Server) Discard() {
	s.mu.Lock()
	s.discard = true
	s.mu.Unlock()
}

// Jobs returns the bytes of each finished connection, in order.
func (s *Server) Jobs() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.jobs...)
}

// WaitJobs waits until n jobs have finished or timeout passed, and
// returns the jobs.
func (s *Server) WaitJobs(n int, timeout time.Duration) [][]byte {
	deadline := time.After(timeout)
	for {
		if j := s.Jobs(); len(j) >= n {
			return j
		}
		select {
		case <-s.done:
		case <-deadline:
			return s.Jobs()
		}
	}
}

// Close stops the server and drops its connections.
func (s *Server) Close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		mode := s.mode
		s.mu.Unlock()
		if mode == Deaf {
			continue // never read; Close drops it
		}
		s.wg.Add(1)
		go s.serve(c)
	}
}

// serve reads one connection to its end, answering DLE EOT queries.
func (s *Server) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	var job, pending []byte
	buf := make([]byte, 32*1024)
	for {
		n, err := c.Read(buf)
		pending = append(pending, buf[:n]...)
		pending, job = s.scan(c, pending, job)
		s.mu.Lock()
		if s.discard {
			job = job[:0]
		}
		s.mu.Unlock()
		if err != nil { // EOF when the job ends; any error ends it too
			job = append(job, pending...)
			s.mu.Lock()
			s.jobs = append(s.jobs, job)
			s.mu.Unlock()
			select {
			case s.done <- struct{}{}:
			default:
			}
			return
		}
	}
}

// scan moves bytes from pending to job, answering each complete DLE EOT
// n; an incomplete one at the end stays pending.
func (s *Server) scan(c net.Conn, pending, job []byte) ([]byte, []byte) {
	i := 0
	for i < len(pending) {
		if pending[i] != 0x10 {
			job = append(job, pending[i])
			i++
			continue
		}
		if i+1 >= len(pending) || (pending[i+1] == 0x04 && i+2 >= len(pending)) {
			break
		}
		if pending[i+1] != 0x04 {
			job = append(job, pending[i])
			i++
			continue
		}
		s.mu.Lock()
		if s.nextAt > 0 && s.queries == s.nextAt {
			s.state, s.nextAt = s.next, 0
		}
		s.queries++
		st, mode := s.state, s.mode
		s.mu.Unlock()
		if mode == Answering {
			c.Write([]byte{st.Reply(pending[i+2])})
		}
		i += 3
	}
	return append(pending[:0], pending[i:]...), job
}
