// Command phases is the Go side of the differential scenario phases (internal/scenario).
package main

import (
	"fmt"
	"os"

	"github.com/go-libuv/uv/internal/scenario"
)

func main() {
	if err := scenario.Run("phases", os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
