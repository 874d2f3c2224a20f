// Package printer drives ESC/POS receipt printers: it encodes a
// forms.Document into ESC/POS bytes for a Chinese (GB18030) thermal printer,
// sends a job over a transport (the kernel usblp device, raw TCP port 9100,
// a plain file, or a directory sink for demos and tests), reads the
// printer's real-time status back where the transport allows, and renders
// the same document as HTML (CODE128 and QR drawn as SVG by a small
// encoder of its own, qr.go and code128.go) or plain text for previews.
//
// The commands follow the Epson ESC/POS command reference
// (https://reference.epson-biz.com/modules/ref_escpos/) as implemented by
// Chinese-market printers, whose programming manuals add the Chinese
// character mode (e.g. HPRT TP80K / PPTII-A, Rongta RP32x, SPRT, Xprinter
// manuals). Every command this package sends:
//
//	ESC @            1B 40         initialize printer
//	FS &             1C 26         select Chinese character mode (2-byte GB codes)
//	FS .             1C 2E         cancel Chinese character mode (Opts.ASCII only)
//	ESC a n          1B 61 n       justification: 0 left, 1 center, 2 right
//	ESC E n          1B 45 n       emphasized (bold) off/on
//	GS ! n           1D 21 n       character size: bits 4-7 width-1, bits 0-3 height-1
//	LF               0A            print and feed one line
//	ESC d n          1B 64 n       print and feed n lines
//	GS H n           1D 48 n       HRI position: 0 none, 2 below
//	GS h n           1D 68 n       barcode height in dots
//	GS w n           1D 77 n       barcode module width in dots (2-6)
//	GS k 73 n d1..dn 1D 6B 49 n .. CODE128; d1 d2 = "{B" selects code set B,
//	                               "{C" switches to code set C (one byte per
//	                               digit pair); n counts every byte, "{B" too
//	GS ( k pL pH cn fn ...         QR code (cn = 49):
//	  fn 65 (function 165)         select model: 1D 28 6B 04 00 31 41 32 00 (model 2)
//	  fn 67 (function 167)         module size: 1D 28 6B 03 00 31 43 n (dots)
//	  fn 69 (function 169)         error correction: 1D 28 6B 03 00 31 45 31 (level M)
//	  fn 80 (function 180)         store data: 1D 28 6B pL pH 31 50 30 d1..dk, k = pL+pH*256-3
//	  fn 81 (function 181)         print symbol: 1D 28 6B 03 00 31 51 30
//	GS V m n         1D 56 41|42 n feed to the cutter + n, then full (65) or partial (66) cut
//	ESC p m t1 t2    1B 70 00 19 FA pulse drawer pin 2: on 25×2 ms, off 250×2 ms
//	DLE EOT n        10 04 n       real-time status, one reply byte with
//	                               (b & 0x93) == 0x12:
//	                               n=1 printer: bit 3 offline;
//	                               n=2 offline cause: bit 2 cover open, bit 5
//	                               paper-end stop, bit 6 error;
//	                               n=4 roll paper: bits 2-3 (0x0C) near end,
//	                               bits 5-6 (0x60) paper out
//
// Chinese printers power up in Chinese mode, where every byte of 0x80 or
// more is half of a 2-byte GB character; characters GB18030 encodes in 4
// bytes do not print. The encoder therefore sends only ASCII and 2-byte
// codes: forms.Layout has already replaced every other character (¥ → ￥,
// others → '?') and fitted every line to the paper.
//
// The usblp facts (open EBUSY while CUPS holds the device, read EINVAL on a
// unidirectional interface, ENODEV after unplug, ENOSPC on paper out with
// LPABORT) are from the Linux drivers/usb/class/usblp.c.
//
// # Sending jobs (for the queue worker)
//
// Printer.Print opens the device for one job and closes it after. Where
// the transport reads back (TCP, a bidirectional USB interface) it asks
// DLE EOT 1, 2, 4 first and sends nothing unless the printer is ready,
// then sends the job, then asks again: that reply proves every byte
// before it arrived (Receipt.Confirmed). On a unidirectional USB interface
// it waits for the last write to complete (POLLOUT) before closing, since
// usblp cancels a pending write on close. The Receipt says how far a job
// got even on error: Written == len(Data) means the device took it all.
// The one case that can print twice is at the device boundary: the device
// took every byte (it may already be printing) but the process died, or
// the confirmation failed, before the job was marked done; a retry then
// prints the slip again. The clerk sees two identical slips, the second
// with the same ticket number, and throws one away; nothing is lost.
// Printer.Status is the poll for a waiting queue; its Status goes to the
// UI as an EventStatus event; DomainError gives the desk's message.
//
// # The queue
//
// Queue keeps print jobs in the store (appliance.PrintJob, the document as
// JSON in Data, so a job moved to a printer of another paper width is laid
// out again for it). Enqueue commits the job with its audit entry before
// it returns. One worker per configured printer (Target) takes that
// printer's oldest queued job, and only that one, so slips come out in
// queue order; a job moved in keeps its place by ID. While the printer is
// absent, offline, out of paper or open, the worker reads its status after
// a backoff doubling from QueueOpts.MinBackoff to MaxBackoff (Retry cuts
// it short) and sends nothing; each change of state or of the queued count
// is an EventStatus event (PrinterState), each job change an EventJob
// event (JobUpdate).
//
// A send goes in three steps: a transaction claims the job (Attempts + 1,
// MayHavePrinted set, and in memory "in flight" so a clerk cannot move or
// cancel it meanwhile); Print; a transaction records the outcome. The job
// is done only when Print succeeded, or when the printer confirmed every
// byte and then reported a problem (paper ran out at the end: the printer
// has the slip). Otherwise it stays queued; MayHavePrinted goes back to
// what it was unless the device took some bytes. A job marked done is
// never sent again: restarting reads only queued jobs.
//
// The one case that can still print a slip twice is at the device
// boundary: the device took the bytes but the process died (or the
// confirmation failed) before the done mark was committed. After the
// restart the job is still queued with MayHavePrinted set, so it is sent
// again and, once done, keeps MayHavePrinted: the clerk's screen shows
// "已打印，可能重复一份：请核对纸张（发送 2 次）/ printed, possibly twice:
// check the paper (2 sends)" (JobNotice), and the clerk throws the extra
// slip away. Nothing is lost; the duplicate carries the same ticket number.
//
// A job whose document cannot be encoded for its printer (a barcode too
// long for 58 mm after a move) is cancelled with the reason in LastError
// rather than holding up the jobs behind it; Enqueue and Move refuse such
// a document up front, so this only happens to jobs already stored.
// Clerks can Cancel a queued job, Move it to another printer, and Reprint
// a done or cancelled one as a new job.
//
// printer may import appliance and appliance/store (the queue's store) and
// forms; it must not import conf, ui or any HTTP package: main.go turns
// config into Targets and Opts.
package printer
