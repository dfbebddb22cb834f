// Command tcp_queued_writes is the Go side of the differential scenario tcp_queued_writes (internal/scenario).
package main

import (
	"fmt"
	"os"

	"github.com/go-libuv/uv/internal/scenario"
)

func main() {
	if err := scenario.Run("tcp_queued_writes", os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
