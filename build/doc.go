// Package build holds no code for the appliance: it is the home of the
// packaging (deb.sh, pkg/) and of the tests that build the Debian package
// and check it as an installer would meet it — lintian, systemd-analyze
// verify on the units, the unpacked binary checking its own config, serving,
// backing up and restoring, and reading data written by an older release.
//
// The tests run the packaged binary as a separate process; they import
// nothing of shouhou but the store's schema version.
package build
