/*
 * The one load client every echo server in `compare` is measured with: C, one thread, epoll, so that the client
 * costs as little CPU as possible and costs the same for every server.
 *
 * Each of C connections keeps exactly one message of S bytes in flight: send it, wait until all S bytes came back,
 * send the next. After a warm-up of W seconds it counts completed round trips for D seconds and prints
 *     roundtrips=<count> seconds=<measured> rate=<per second>
 * Usage: loadclient HOST PORT CONNECTIONS SECONDS [SIZE=64] [WARMUP=0.5]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn { int fd; int received; };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) { perror(what); exit(1); }

static void send_all(int fd, const char *buf, int len) {
    int off = 0;
    while (off < len) {
        ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
        if (n < 0) { if (errno == EINTR || errno == EAGAIN) continue; die("send"); }
        off += (int)n;
    }
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s HOST PORT CONNECTIONS SECONDS [SIZE] [WARMUP]\n", argv[0]); return 2; }
    const char *host = argv[1];
    int port = atoi(argv[2]), count = atoi(argv[3]);
    double seconds = atof(argv[4]);
    int size = argc > 5 ? atoi(argv[5]) : 64;
    double warmup = argc > 6 ? atof(argv[6]) : 0.5;
    char *message = malloc(size), *scratch = malloc(65536);
    memset(message, 'x', size);

    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) { fprintf(stderr, "bad host %s\n", host); return 2; }

    int ep = epoll_create1(0);
    struct conn *conns = calloc(count, sizeof *conns);
    for (int i = 0; i < count; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) die("socket");
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("connect");
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conns[i].fd = fd;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &conns[i] };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
    }
    for (int i = 0; i < count; i++) send_all(conns[i].fd, message, size);

    struct epoll_event events[256];
    long long total = 0, at_start = 0;
    double begin = now(), measure_from = begin + warmup, end = measure_from + seconds;
    int measuring = 0;
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) { measuring = 1; at_start = total; measure_from = t; end = t + seconds; }
        if (measuring && t >= end) break;
        int n = epoll_wait(ep, events, 256, 100);
        if (n < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            for (;;) {
                ssize_t r = recv(c->fd, scratch, 65536, MSG_DONTWAIT);
                if (r < 0) { if (errno == EAGAIN) break; if (errno == EINTR) continue; die("recv"); }
                if (r == 0) { fprintf(stderr, "server closed a connection\n"); return 1; }
                c->received += (int)r;
                while (c->received >= size) {
                    c->received -= size;
                    total++;
                    send_all(c->fd, message, size);
                }
            }
        }
    }
    double measured = now() - measure_from;
    long long done = total - at_start;
    printf("roundtrips=%lld seconds=%.3f rate=%.0f\n", done, measured, done / measured);
    return 0;
}
