// Command plugin loads a shared library at run time with uv.DLOpen (uv_dlopen), looks up two of
// its functions with Lib.Sym (uv_dlsym) and calls them through the tiny C helpers below: Go
// cannot call a C function pointer itself. The library is built from plugin.c by `make
// examples`; run it from the repository's root with `go run ./examples/plugin [path]`.
package main

/*
typedef const char* (*name_fn)(void);
typedef int (*add_fn)(int, int);

static const char* call_name(void* f) { return ((name_fn)f)(); }
static int call_add(void* f, int a, int b) { return ((add_fn)f)(a, b); }
*/
import "C"

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/go-libuv/uv"
)

const build = "cc -shared -fPIC -o examples/plugin/libplugin.so examples/plugin/plugin.c"

func main() {
	path := "examples/plugin/libplugin.so"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	lib, err := uv.DLOpen(path)
	if err != nil {
		var de *uv.DLError
		if errors.As(err, &de) {
			fmt.Fprintf(os.Stderr, "plugin: %v\nplugin: build the library with `make examples` (%s)\n", err, build)
			os.Exit(1)
		}
		log.Fatal(err)
	}
	defer lib.Close()

	name, err := lib.Sym("plugin_name")
	if err != nil {
		log.Fatal(err)
	}
	add, err := lib.Sym("plugin_add")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Loaded plugin %q\n", C.GoString(C.call_name(name)))
	fmt.Printf("plugin_add(2, 3) = %d\n", int(C.call_add(add, 2, 3)))

	if _, err := lib.Sym("plugin_missing"); err != nil {
		fmt.Printf("plugin_missing: %v\n", err)
	}
}
