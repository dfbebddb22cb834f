/* The server end shared by the network C twins (ping_pongs.c, tcp_pump.c, tcp_write_batch.c):
 * a listener on 127.0.0.1 on a loop of its own, run by another thread (libuv's benchmarks run
 * their servers in another process), that accepts one connection, closes the listener, and
 * then echoes what it reads (PEER_ECHO) or only counts it (PEER_SINK), until EOF. Reads are
 * served from one buffer per loop, as the Go binding does; the echo writes a copy from a free
 * list of buffers, as the Go benchmark's echo does. Nagle is off on both ends. */
#ifndef NET_PEER_H
#define NET_PEER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define PEER_BUF (64 * 1024)

enum { PEER_ECHO, PEER_SINK };

typedef struct echo_write_s {
  uv_write_t req;
  struct echo_write_s* next;
  char buf[PEER_BUF];
} echo_write_t;

typedef struct {
  uv_loop_t loop;
  uv_tcp_t server, conn;
  struct sockaddr_in addr;
  uv_thread_t tid;
  int mode;
  uint64_t received;
  long reads;
  echo_write_t* free;
  char readbuf[PEER_BUF];
} peer_t;

static void check(int r, const char* what) {
  if (r != 0) {
    fprintf(stderr, "%s: %s\n", what, uv_strerror(r));
    exit(1);
  }
}

static void peer_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  peer_t* p = h->data;
  (void)size;
  *buf = uv_buf_init(p->readbuf, PEER_BUF);
}

static void peer_written(uv_write_t* req, int status) {
  echo_write_t* w = (echo_write_t*)req;
  peer_t* p = req->handle->data;
  check(status, "peer write");
  w->next = p->free;
  p->free = w;
}

static void peer_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  peer_t* p = s->data;
  if (nread < 0) {
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  p->received += nread;
  p->reads++;
  if (p->mode == PEER_ECHO && nread > 0) {
    echo_write_t* w = p->free;
    uv_buf_t b;
    if (w != NULL) p->free = w->next;
    else w = malloc(sizeof(*w));
    memcpy(w->buf, buf->base, nread);
    b = uv_buf_init(w->buf, (unsigned int)nread);
    check(uv_write(&w->req, s, &b, 1, peer_written), "peer uv_write");
  }
}

static void peer_connection(uv_stream_t* server, int status) {
  peer_t* p = server->data;
  check(status, "peer connection");
  check(uv_tcp_init(&p->loop, &p->conn), "peer uv_tcp_init");
  p->conn.data = p;
  check(uv_accept(server, (uv_stream_t*)&p->conn), "peer uv_accept");
  check(uv_tcp_nodelay(&p->conn, 1), "peer uv_tcp_nodelay");
  uv_close((uv_handle_t*)server, NULL);
  check(uv_read_start((uv_stream_t*)&p->conn, peer_alloc, peer_read), "peer uv_read_start");
}

static void peer_run(void* arg) {
  peer_t* p = arg;
  check(uv_run(&p->loop, UV_RUN_DEFAULT), "peer uv_run");
}

/* peer_start listens on 127.0.0.1 (p->addr gets the port) and starts the server's thread. */
static void peer_start(peer_t* p, int mode) {
  int n = sizeof(p->addr);
  memset(p, 0, sizeof(*p));
  p->mode = mode;
  check(uv_loop_init(&p->loop), "peer uv_loop_init");
  check(uv_tcp_init(&p->loop, &p->server), "peer uv_tcp_init");
  p->server.data = p;
  check(uv_ip4_addr("127.0.0.1", 0, &p->addr), "uv_ip4_addr");
  check(uv_tcp_bind(&p->server, (const struct sockaddr*)&p->addr, 0), "peer uv_tcp_bind");
  check(uv_listen((uv_stream_t*)&p->server, 1, peer_connection), "peer uv_listen");
  check(uv_tcp_getsockname(&p->server, (struct sockaddr*)&p->addr, &n), "uv_tcp_getsockname");
  check(uv_thread_create(&p->tid, peer_run, p), "uv_thread_create");
}

/* peer_join waits for the server's thread (it ends after EOF) and frees what it holds. */
static void peer_join(peer_t* p) {
  check(uv_thread_join(&p->tid), "uv_thread_join");
  check(uv_loop_close(&p->loop), "peer uv_loop_close");
  while (p->free != NULL) {
    echo_write_t* w = p->free;
    p->free = w->next;
    free(w);
  }
}

static void client_connected(uv_connect_t* req, int status) {
  (void)req;
  check(status, "connect");
}

/* client_connect connects c, on loop, to the peer and runs loop until it is connected. */
static void client_connect(uv_loop_t* loop, uv_tcp_t* c, peer_t* p) {
  uv_connect_t req;
  check(uv_tcp_init(loop, c), "uv_tcp_init");
  check(uv_tcp_nodelay(c, 1), "uv_tcp_nodelay");
  check(uv_tcp_connect(&req, c, (const struct sockaddr*)&p->addr, client_connected), "uv_tcp_connect");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
}

#endif /* NET_PEER_H */
