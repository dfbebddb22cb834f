//go:build ignore

/* The shared library of the plugin example, built by `make examples`:
 *   cc -shared -fPIC -o examples/plugin/libplugin.so examples/plugin/plugin.c
 * (The build constraint above keeps cgo from compiling it into the example's program.) */

const char* plugin_name(void) {
  return "greeter";
}

int plugin_add(int a, int b) {
  return a + b;
}
