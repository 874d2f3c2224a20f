package tlsca

import (
	"net"
	"os"
	"strings"
)

// LocalHosts are the box's own names and addresses: localhost, the host
// name (and HOST.local for mDNS), loopback, and every interface's unicast
// address except link-local ones.
func LocalHosts() Hosts {
	h := Hosts{Names: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}}
	if name, err := os.Hostname(); err == nil && name != "" {
		h.Names = append(h.Names, name)
		if !strings.Contains(name, ".") {
			h.Names = append(h.Names, name+".local")
		}
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return h
	}
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLinkLocalUnicast() || ipn.IP.IsMulticast() || ipn.IP.IsUnspecified() {
			continue
		}
		h.IPs = append(h.IPs, ipn.IP)
	}
	return h
}

// Join returns the hosts of both.
func (h Hosts) Join(o Hosts) Hosts {
	return Hosts{Names: append(append([]string(nil), h.Names...), o.Names...), IPs: append(append([]net.IP(nil), h.IPs...), o.IPs...)}
}
