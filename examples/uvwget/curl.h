// The C side of uvwget: libcurl's variadic setters and its callbacks, which cgo cannot call or
// take directly, wrapped in plain functions.
#include <stdint.h>
#include <curl/curl.h>

// uvwget_multi_init returns a multi handle whose socket and timer callbacks are uvwgetSocket and
// uvwgetTimer (callbacks.go).
CURLM *uvwget_multi_init(void);

// uvwget_add adds a transfer of url to multi, its body going to uvwgetWrite with id; noproxy
// (may be NULL) is CURLOPT_NOPROXY. It returns a CURLcode, or CURLM_* + 1000 from the multi.
int uvwget_add(CURLM *multi, const char *url, const char *noproxy, uintptr_t id);

// uvwget_action is curl_multi_socket_action.
int uvwget_action(CURLM *multi, int sockfd, int flags, int *running);

// uvwget_done reads the next finished transfer of multi: it fills *id, *result (a CURLcode) and
// *status (the HTTP status), removes and cleans up the transfer, and returns 1; it returns 0
// when no transfer has finished.
int uvwget_done(CURLM *multi, uintptr_t *id, int *result, long *status);
