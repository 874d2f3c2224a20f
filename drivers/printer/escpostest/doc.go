// Package escpostest helps test code that prints: Decode parses an ESC/POS
// byte stream from package printer back into print blocks, checking on the
// way that it holds only ASCII and 2-byte GB18030 codes; Server is a
// loopback TCP port-9100 printer that records each job and answers DLE EOT
// status queries with a chosen state.
//
// It is for tests only; production code must not import it.
package escpostest
