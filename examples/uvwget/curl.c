#include "curl.h"
#include "_cgo_export.h"

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
	return uvwgetSocket(s, what);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
	return uvwgetTimer(timeout_ms);
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userdata) {
	return uvwgetWrite(data, size * nmemb, (uintptr_t)userdata);
}

CURLM *uvwget_multi_init(void) {
	CURLM *multi = curl_multi_init();
	if (multi == NULL) {
		return NULL;
	}
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	return multi;
}

int uvwget_add(CURLM *multi, const char *url, const char *noproxy, uintptr_t id) {
	CURL *easy = curl_easy_init();
	if (easy == NULL) {
		return CURLE_OUT_OF_MEMORY;
	}
	CURLcode rc = curl_easy_setopt(easy, CURLOPT_URL, url);
	if (rc == CURLE_OK) rc = curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK) rc = curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_cb);
	if (rc == CURLE_OK) rc = curl_easy_setopt(easy, CURLOPT_WRITEDATA, (void *)id);
	if (rc == CURLE_OK) rc = curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)id);
	if (rc == CURLE_OK && noproxy != NULL) rc = curl_easy_setopt(easy, CURLOPT_NOPROXY, noproxy);
	if (rc != CURLE_OK) {
		curl_easy_cleanup(easy);
		return rc;
	}
	CURLMcode mrc = curl_multi_add_handle(multi, easy);
	if (mrc != CURLM_OK) {
		curl_easy_cleanup(easy);
		return 1000 + mrc;
	}
	return 0;
}

int uvwget_action(CURLM *multi, int sockfd, int flags, int *running) {
	return curl_multi_socket_action(multi, sockfd, flags, running);
}

int uvwget_done(CURLM *multi, uintptr_t *id, int *result, long *status) {
	CURLMsg *msg;
	int pending;
	while ((msg = curl_multi_info_read(multi, &pending)) != NULL) {
		if (msg->msg != CURLMSG_DONE) {
			continue;
		}
		CURL *easy = msg->easy_handle;
		void *priv = NULL;
		*result = msg->data.result;
		*status = 0;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, status);
		*id = (uintptr_t)priv;
		curl_multi_remove_handle(multi, easy);
		curl_easy_cleanup(easy);
		return 1;
	}
	return 0;
}
