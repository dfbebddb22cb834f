// Command timers is the Go side of the differential scenario timers (internal/scenario).
package main

import (
	"fmt"
	"os"

	"github.com/go-libuv/uv/internal/scenario"
)

func main() {
	if err := scenario.Run("timers", os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
