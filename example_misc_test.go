package uv_test

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/go-libuv/uv"
)

// Chdir changes the directory of the whole process: Go's os package sees it.
func ExampleChdir() {
	orig, err := uv.Cwd()
	if err != nil {
		log.Fatal(err)
	}
	defer os.Chdir(orig)
	dir, err := os.MkdirTemp("", "uv-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := uv.Chdir(dir); err != nil {
		log.Fatal(err)
	}
	cwd, _ := uv.Cwd()
	gowd, _ := os.Getwd()
	fmt.Println("same directory:", cwd == gowd)
	fmt.Println("Chdir to a missing one:", errors.Is(uv.Chdir("missing"), fs.ErrNotExist))
	// Output:
	// same directory: true
	// Chdir to a missing one: true
}

// The environment functions change the C environment; os.Getenv reads Go's own copy, taken at
// start-up, so it does not see them.
func ExampleSetenv() {
	if err := uv.Setenv("UV_EXAMPLE", "42"); err != nil {
		log.Fatal(err)
	}
	v, err := uv.Getenv("UV_EXAMPLE")
	fmt.Printf("Getenv: %q %v\n", v, err)
	_, seen := os.LookupEnv("UV_EXAMPLE")
	fmt.Println("seen by os:", seen)
	uv.Unsetenv("UV_EXAMPLE")
	_, err = uv.Getenv("UV_EXAMPLE")
	fmt.Println("after Unsetenv:", err == uv.ENOENT)
	fmt.Println("NUL:", uv.Setenv("UV\x00EXAMPLE", "x"))
	// Output:
	// Getenv: "42" <nil>
	// seen by os: false
	// after Unsetenv: true
	// NUL: uv: string holds a NUL byte
}

// GetPasswd reads the passwd entry of the effective user.
func ExampleGetPasswd() {
	pw, err := uv.GetPasswd()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("uid is euid:", pw.UID == os.Geteuid())
	// Output:
	// uid is euid: true
}

// GuessHandle tells what kind of handle suits a descriptor.
func ExampleGuessHandle() {
	r, w, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f, err := os.CreateTemp("", "uv-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	fmt.Println(uv.GuessHandle(int(r.Fd())), uv.GuessHandle(int(f.Fd())))
	fmt.Println(uv.GuessHandle(-1) == uv.HandleUnknown)
	// Output:
	// pipe file
	// true
}

// Priorities are nice values; out of range is libuv's EINVAL.
func ExampleSetpriority() {
	fmt.Println(uv.Setpriority(0, uv.PriorityLow+1))
	// Output:
	// invalid argument
}

// The process title needs SetupArgs first (a Go program hands libuv the argv the C runtime
// captured); it then replaces what ps(1) shows (here, the test binary's command line).
func ExampleSetProcessTitle() {
	if err := uv.SetupArgs(); err != nil {
		log.Fatal(err)
	}
	if err := uv.SetProcessTitle("my-server: idle"); err != nil {
		log.Fatal(err)
	}
	title, _ := uv.GetProcessTitle()
	fmt.Println(title)
	// Output:
	// my-server: idle
}

// PrintActiveHandles lists the active handles: libuv's own (flagged internal, I), the binding's
// (Loop.Post's async, not referenced) and the program's; here only the referenced ones (R) are
// printed, without their addresses.
func ExamplePrintActiveHandles() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	timer, _ := uv.NewTimer(loop)
	timer.Start(time.Hour, 0, func() {})
	f, err := os.CreateTemp("", "uv-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := uv.PrintActiveHandles(loop, f); err != nil {
		log.Fatal(err)
	}
	f.Seek(0, 0)
	for sc := bufio.NewScanner(f); sc.Scan(); {
		fields := strings.Fields(sc.Text()) // flags, type, address
		if strings.HasPrefix(fields[0], "[R") {
			fmt.Println(fields[0], fields[1])
		}
	}
	timer.Close(nil)
	loop.Run(uv.RunDefault)
	fmt.Println(loop.Close())
	// Output:
	// [RA-] timer
	// <nil>
}

// A function newer than the libuv in use answers ENOSYS: here WTF8ToUTF16 (libuv 1.47), with
// Go's own conversion as the fallback.
func ExampleWTF8ToUTF16() {
	s := "héllo, 世界"
	u, err := uv.WTF8ToUTF16([]byte(s))
	if errors.Is(err, uv.ENOSYS) {
		u = utf16.Encode([]rune(s))
	} else if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(s), "bytes,", len(u), "UTF-16 code units")
	// Output: 14 bytes, 9 UTF-16 code units
}
