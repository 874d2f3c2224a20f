package appliance

import (
	"testing"
	"time"
)

func TestBusDelivers(t *testing.T) {
	b := NewBus(nil)
	s := b.Subscribe(4)
	defer s.Close()
	b.Publish("ticket.updated", "", "T1")
	b.Publish("ticket.updated", "desk1", "T2")
	for _, want := range []string{"T1", "T2"} {
		ev := <-s.C()
		if ev.Data != want {
			t.Fatalf("got %v, want %v", ev.Data, want)
		}
	}
}

func TestBusSlowSubscriberLosesAndIsTold(t *testing.T) {
	b := NewBus(nil)
	slow := b.Subscribe(3)
	fast := b.Subscribe(100)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 10; i++ {
			b.Publish("x", "", i) // must never block on the slow one
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a full subscriber")
	}
	if got := len(fast.C()); got != 10 {
		t.Fatalf("fast subscriber got %d events, want 10", got)
	}
	// The slow one holds 3 and lost 7. Drain one and publish: it hears of the 7.
	for i := 0; i < 3; i++ {
		if ev := <-slow.C(); ev.Data != i {
			t.Fatalf("slow event %d = %v", i, ev.Data)
		}
	}
	b.Publish("x", "", 10)
	ev := <-slow.C()
	if ev.Kind != EventLost || ev.Data.(LostEvents).Count != 7 {
		t.Fatalf("got %+v, want a lost notice for 7", ev)
	}
	if ev := <-slow.C(); ev.Data != 10 {
		t.Fatalf("after the notice got %+v, want event 10", ev)
	}
	slow.Close()
	slow.Close()
	b.Publish("x", "", 11) // publishing after close must not panic
}
