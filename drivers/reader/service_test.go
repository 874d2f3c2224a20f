package reader_test

import (
	"errors"
	"slices"
	"testing"

	"shouhou/drivers/reader"
	"shouhou/drivers/reader/vpcdtest"
)

func TestPcscdRestart(t *testing.T) {
	d := vpcdtest.Start(t)
	s := MustWatch(t)
	s.ready(t)
	name := vpcdtest.ReaderName(0)
	vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.UIDScript([]byte{1, 2, 3, 4}))
	if e := s.card(t, name); e.Kind != reader.KindPresent {
		t.Fatalf("event = %+v, want present", e)
	}
	d.Kill()
	if e := s.card(t, name); e.Kind != reader.KindRemoved {
		t.Fatalf("after pcscd died: %+v, want removed", e)
	}
	if e := s.status(t, "", reader.StatusNoService); e.Detail == "" {
		t.Errorf("no_service event without detail: %+v", e)
	}
	d.Restart()
	s.ready(t)
	// The card's socket died with pcscd's vpcd; lay a new card.
	vpcdtest.Insert(t, 1, vpcdtest.ATR14443, vpcdtest.UIDScript([]byte{5, 6, 7, 8}))
	if e := s.card(t, vpcdtest.ReaderName(1)); e.Kind != reader.KindPresent || e.UID != "05060708" {
		t.Fatalf("after restart: %+v, want present 05060708", e)
	}
}

func TestPcscdAbsentAtStart(t *testing.T) {
	d := vpcdtest.Start(t)
	d.Kill()
	s := MustWatch(t)
	s.status(t, "", reader.StatusNoService)
	d.Restart()
	s.status(t, vpcdtest.ReaderName(0), reader.StatusOK)
	s.ready(t)
}

// TestNoReader starts pcscd without readers, then again with the vpcd
// readers: the watcher reports no_reader, then each reader and ok, without
// being restarted.
func TestNoReader(t *testing.T) {
	d := vpcdtest.Start(t)
	d.Kill()
	d.WriteConf(false)
	d.Restart()
	s := MustWatch(t)
	if e := s.status(t, "", reader.StatusNoReader); e.Detail == "" {
		t.Errorf("no_reader event without detail: %+v", e)
	}
	d.Kill()
	d.WriteConf(true)
	d.Restart()
	for i := range vpcdtest.Slots {
		s.status(t, vpcdtest.ReaderName(i), reader.StatusOK)
	}
	s.ready(t)
	vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.UIDScript([]byte{1, 2, 3, 4}))
	if e := s.card(t, vpcdtest.ReaderName(0)); e.Kind != reader.KindPresent {
		t.Fatalf("event = %+v, want present", e)
	}
}

func TestList(t *testing.T) {
	d := vpcdtest.Start(t)
	got, err := reader.List()
	want := []string{vpcdtest.ReaderName(0), vpcdtest.ReaderName(1)}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("List() = %q, %v, want %q", got, err, want)
	}
	d.Kill()
	if got, err := reader.List(); !errors.Is(err, reader.ErrNoService) {
		t.Fatalf("List() without pcscd = %q, %v, want ErrNoService", got, err)
	}
	d.WriteConf(false)
	d.Restart()
	if got, err := reader.List(); err != nil || len(got) != 0 {
		t.Fatalf("List() without readers = %q, %v, want none", got, err)
	}
}
