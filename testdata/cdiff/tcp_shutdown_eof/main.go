// Command tcp_shutdown_eof is the Go side of the differential scenario tcp_shutdown_eof (internal/scenario).
package main

import (
	"fmt"
	"os"

	"github.com/go-libuv/uv/internal/scenario"
)

func main() {
	if err := scenario.Run("tcp_shutdown_eof", os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
