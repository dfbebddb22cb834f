// Command udp_zero is the Go side of the differential scenario udp_zero (internal/scenario).
package main

import (
	"fmt"
	"os"

	"github.com/go-libuv/uv/internal/scenario"
)

func main() {
	if err := scenario.Run("udp_zero", os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
