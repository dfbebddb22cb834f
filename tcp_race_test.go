//go:build race

package uv

// tcpRace is true under the race detector, which allocates in instrumented code.
const tcpRace = true
