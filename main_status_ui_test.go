package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/drivers/chaintest"
)

// TestChainUplinkOnDevicesTab drives the staff screen's 打印与设备 tab of
// a box in a chain (a real nats-server): 已连接 with nothing waiting, then
// with nats-server killed and tickets written, 未连接 and the waiting
// count, and for the admin the last error under the details.
func TestChainUplinkOnDevicesTab(t *testing.T) {
	ctx := browser(t)
	n := chaintest.StartNATS(t, chaintest.NATSOptions{Users: []chaintest.NATSUser{{User: "SH01", Password: "s3cret"}}})
	m := runChainMain(t, n)
	waitStatus(t, m.DataDir, "lag 0, connected", func(kv map[string]string) bool { return kv["lag"] == "0" && kv["connected"] == "true" })

	staff := newTab(t, ctx, "staff", "http://"+m.Addr()+"/staff#print")
	staff.run("log in", chromedp.WaitVisible(chromedp.CSS("#login")), chromedp.SendKeys(chromedp.CSS("#staffid"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#pin"), "4444"), chromedp.Click(chromedp.CSS("#login button")))
	staff.waitJS("connected, nothing waiting", `(() => { const c = document.querySelector('#chain'); return !!c && c.textContent.includes('已连接') && c.textContent.includes('待上传 0 条'); })()`)
	staff.shoot(shotsDir(t), "staff-chain-connected")

	if err := n.Kill(); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if err := m.db.Update(func(tx *store.Txn) error {
			return tx.PutCustomer(&appliance.Customer{ID: fmt.Sprintf("c%d", i), Name: "<b>王芳</b>"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	waitStatus(t, m.DataDir, "lag >= 4, not connected, an error", func(kv map[string]string) bool {
		return num(t, kv, "lag") >= 4 && kv["connected"] == "false" && kv["last error"] != "none"
	})
	// The tab reads chain.status again every 5 s: no need to leave it.
	staff.waitJS("not connected, events waiting", `(() => {
		const c = document.querySelector('#chain'), d = c && c.querySelector('details.devdetail');
		const m = c && c.textContent.match(/待上传 (\d+) 条/);
		return !!m && Number(m[1]) >= 4 && c.textContent.includes('未连接') && !!d && d.textContent.includes('最近错误'); })()`)
	staff.shoot(shotsDir(t), "staff-chain-down")
}
