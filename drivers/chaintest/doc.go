// Package chaintest starts the real servers a chain of stores runs on, for
// tests: a nats-server with JetStream on and a PostgreSQL cluster made
// with initdb, each on a free loopback port with its data in a temporary
// directory, and lets a test stop, kill -9 and restart them on the same
// port and data. Nothing is mocked: these are Debian's own binaries
// (packages nats-server and postgresql, installed by build/deps.sh); a
// test is skipped with a clear message when one is not installed.
package chaintest
