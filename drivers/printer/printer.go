package printer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"shouhou/appliance"
	"shouhou/forms"
)

// Job is one print job: the exact bytes for the printer, and the text
// preview a directory sink keeps beside them.
type Job struct {
	// Name names the job, e.g. "intake"; a directory sink puts it in the
	// file name.
	Name string
	// Data is the ESC/POS byte stream, sent as is.
	Data []byte
	// Text is the plain-text preview (Text(doc)); may be empty.
	Text string
}

// NewJob encodes doc into a job with its text preview.
func NewJob(doc *forms.Document, enc *Encoder) (*Job, error) {
	if enc == nil {
		enc = NewEncoder(nil)
	}
	data, err := enc.Encode(doc)
	if err != nil {
		return nil, err
	}
	return &Job{Name: doc.Name, Data: data, Text: Text(doc)}, nil
}

// Receipt says what became of a job sent by Print.
type Receipt struct {
	// Written is how many bytes of the job the device took.
	Written int
	// Confirmed is true when a DLE EOT round trip after the job proved the
	// printer received it all (TCP, bidirectional USB).
	Confirmed bool
	// Status is the printer's status before the job was sent or, when
	// Confirmed, after it.
	Status Status
	// Path is the file a directory or file sink wrote.
	Path string
}

// Opts tunes a Printer. Zero values mean the defaults.
type Opts struct {
	// Encode tunes the ESC/POS encoder for the model.
	Encode EncodeOpts
	// DialTimeout bounds connecting to a TCP printer. Default 3 s.
	DialTimeout time.Duration
	// WriteTimeout bounds each 4 KiB of a job reaching the device.
	// Default 10 s.
	WriteTimeout time.Duration
	// StatusTimeout bounds each DLE EOT reply. Default 2 s.
	StatusTimeout time.Duration
	// NoStatus skips the DLE EOT queries, for printers that do not answer
	// them; jobs are then never Confirmed.
	NoStatus bool
}

func (o Opts) withDefaults() Opts {
	if o.DialTimeout <= 0 {
		o.DialTimeout = 3 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.StatusTimeout <= 0 {
		o.StatusTimeout = 2 * time.Second
	}
	return o
}

// Printer is one receipt printer at an address. It opens the device for
// each job or status check and closes it after, so a printer unplugged
// and plugged back, or a network printer restarted, needs nothing from
// the caller. Safe for concurrent use, but jobs to one printer should be
// sent one at a time (the queue worker's job).
type Printer struct {
	addr Addr
	opts Opts
	enc  *Encoder
	// openDevice opens a device node; a test replaces it where no usblp
	// device exists.
	openDevice func(path string, writeTimeout time.Duration) (Transport, error)
}

// New returns the printer at device (see ParseAddr). It does no I/O.
func New(device string, opts *Opts) (*Printer, error) {
	a, err := ParseAddr(device)
	if err != nil {
		return nil, err
	}
	var o Opts
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	return &Printer{addr: a, opts: o, enc: NewEncoder(&o.Encode), openDevice: openDevice}, nil
}

func openDevice(path string, writeTimeout time.Duration) (Transport, error) {
	return nonNil(openUSB(path, writeTimeout))
}

// Addr returns the printer's address.
func (p *Printer) Addr() Addr { return p.addr }

// Encoder returns the encoder for this printer's model.
func (p *Printer) Encoder() *Encoder { return p.enc }

// open opens the transport for one job (or a status check when job is nil).
func (p *Printer) open(ctx context.Context, job *Job) (Transport, error) {
	switch p.addr.Scheme {
	case SchemeTCP:
		return nonNil(dialTCP(ctx, p.addr.Host, p.opts.DialTimeout, p.opts.WriteTimeout))
	case SchemeDevice:
		return p.openDevice(p.addr.Path, p.opts.WriteTimeout)
	case SchemeFile:
		return nonNil(openFile(p.addr.Path))
	case SchemeDir:
		if job == nil {
			job = &Job{}
		}
		return nonNil(openDir(p.addr.Path, job))
	}
	return nil, fmt.Errorf("printer: unknown address scheme %q", p.addr.Scheme)
}

// nonNil returns a nil Transport, not a typed nil, with an error.
func nonNil[T Transport](t T, err error) (Transport, error) {
	if err != nil {
		return nil, err
	}
	return t, nil
}

// PrintDocument encodes doc for this printer and prints it.
func (p *Printer) PrintDocument(ctx context.Context, doc *forms.Document) (Receipt, error) {
	job, err := NewJob(doc, p.enc)
	if err != nil {
		return Receipt{}, err
	}
	return p.Print(ctx, job)
}

// Print sends a whole job. Where the transport reads status back, it first
// checks the printer is ready and sends nothing if not (the error wraps
// ErrPaperOut, ErrCoverOpen, ErrFault, ErrOffline or ErrTimeout); after the
// bytes it asks again, which proves they arrived (Receipt.Confirmed) and
// catches a printer that ran out of paper meanwhile. Elsewhere it waits
// for the device to take the bytes before closing. The returned Receipt
// says how far the job got even when err is not nil: Written ==
// len(job.Data) means every byte reached the device.
func (p *Printer) Print(ctx context.Context, job *Job) (Receipt, error) {
	var r Receipt
	if err := ctx.Err(); err != nil {
		return r, fmt.Errorf("printer: %s: %w", p.addr, err)
	}
	t, err := p.open(ctx, job)
	if err != nil {
		return r, err
	}
	stop := interruptOn(ctx, t)
	defer stop()
	if d, ok := t.(*dirTransport); ok {
		r.Path = d.Path()
	} else if p.addr.Scheme == SchemeFile {
		r.Path = p.addr.Path
	}
	err = p.send(ctx, t, job, &r)
	if cerr := t.Close(); err == nil {
		err = cerr
	}
	return r, err
}

// send runs one job on an open transport: check, write, confirm or drain.
func (p *Printer) send(ctx context.Context, t Transport, job *Job, r *Receipt) error {
	sr, canStatus := t.(StatusReader)
	canStatus = canStatus && !p.opts.NoStatus
	if canStatus {
		st, err := p.status(sr)
		switch {
		case errors.Is(err, ErrNoStatus):
			canStatus = false
		case err != nil:
			return err
		case st.Err() != nil:
			r.Status = st
			return fmt.Errorf("%w (%s, %s; nothing sent)", st.Err(), p.addr, st.Detail)
		default:
			r.Status = st
		}
	}
	var err error
	r.Written, err = t.Write(job.Data)
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("printer: %s: %w after %d of %d bytes", p.addr, cerr, r.Written, len(job.Data))
	}
	if err != nil {
		return err
	}
	if canStatus {
		if err := p.confirm(sr, r); err != nil {
			return err
		}
	}
	if d, ok := t.(drainer); ok && !r.Confirmed {
		return d.Drain(time.Now().Add(p.opts.WriteTimeout))
	}
	return nil
}

// confirm asks the status after a job: the reply proves the bytes before
// it arrived, and tells whether the printer stopped meanwhile.
func (p *Printer) confirm(sr StatusReader, r *Receipt) error {
	st, err := p.status(sr)
	if errors.Is(err, ErrNoStatus) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w (after sending %d bytes)", err, r.Written)
	}
	r.Confirmed, r.Status = true, st
	if st.Err() != nil {
		return fmt.Errorf("%w (%s, %s; job sent, check the slip)", st.Err(), p.addr, st.Detail)
	}
	return nil
}

// status asks DLE EOT 1, 2 and 4. A missing reply is ErrTimeout wrapped
// with ErrOffline: a printer that does not answer is offline to the desk.
func (p *Printer) status(sr StatusReader) (Status, error) {
	var reply [3]byte
	for i, n := range []byte{1, 2, 4} {
		b, err := sr.RealTimeStatus(n, time.Now().Add(p.opts.StatusTimeout))
		if errors.Is(err, ErrTimeout) {
			return Status{Detail: "无响应 / no reply"}, fmt.Errorf("%w (no reply to DLE EOT %d within %v from %s): %w", ErrOffline, n, p.opts.StatusTimeout, p.addr, err)
		}
		if err != nil {
			return Status{}, err
		}
		reply[i] = b
	}
	st, err := ParseStatus(reply[0], reply[1], reply[2])
	if err != nil {
		return st, fmt.Errorf("%w (%s)", err, p.addr)
	}
	return st, nil
}

// Status opens the device and reads its real-time status: what the queue
// worker polls while jobs wait. A device that cannot report status (a
// file, a directory, a unidirectional USB interface) but opens fine is
// Online with a Detail saying so. A device that cannot be reached returns
// an error wrapping ErrAbsent, ErrBusy, ErrPermission, ErrTimeout or
// ErrOffline, with Status.Online false.
func (p *Printer) Status(ctx context.Context) (Status, error) {
	switch p.addr.Scheme {
	case SchemeDir, SchemeFile:
		return Status{Online: true, Detail: "虚拟打印机 / virtual printer: " + p.addr.String()}, nil
	}
	if err := ctx.Err(); err != nil {
		return Status{Detail: "已取消 / cancelled"}, err
	}
	t, err := p.open(ctx, nil)
	if err != nil {
		return Status{Detail: appliance.ErrorMessage(DomainError(err))}, err
	}
	defer t.Close()
	stop := interruptOn(ctx, t)
	defer stop()
	sr, ok := t.(StatusReader)
	if !ok || p.opts.NoStatus {
		return Status{Online: true, Detail: "已连接，无状态回读 / connected, no status read-back"}, nil
	}
	st, err := p.status(sr)
	if errors.Is(err, ErrNoStatus) {
		return Status{Online: true, Detail: "已连接，无状态回读 / connected, no status read-back"}, nil
	}
	return st, err
}

// Check returns nil when the printer is ready to print, else the error for
// its state (see Status and Status.Err).
func (p *Printer) Check(ctx context.Context) error {
	st, err := p.Status(ctx)
	if err != nil {
		return err
	}
	if err := st.Err(); err != nil {
		return fmt.Errorf("%w (%s, %s)", err, p.addr, st.Detail)
	}
	return nil
}
