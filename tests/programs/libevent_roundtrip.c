/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * A small, careful libevent program, for evmm-torture --preload to fail
 * each allocation libevent makes (tests/scripts/torture-libevent.sh): an event
 * base, an evbuffer round trip, a bufferevent pair and a timer.  Every
 * call that can fail is checked and everything is freed; when memory
 * runs out it says so and exits 1.  It does not link libevmm: libevent
 * calls event_mm_malloc_() and friends through its dynamic symbol table,
 * so a libevmm loaded first receives them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

static const char message[] = "ping over a bufferevent pair\n";

struct state {
	struct event_base *base;
	char got[sizeof(message)];
	size_t len;
	int timer_fired;
};

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct state *s = arg;

	s->len += bufferevent_read(bev, s->got + s->len,
	    sizeof(s->got) - 1 - s->len);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct state *s = arg;

	(void)bev;
	if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF))
		event_base_loopbreak(s->base);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct state *s = arg;

	(void)fd;
	(void)what;
	s->timer_fired = 1;
	event_base_loopbreak(s->base);
}

/* count lines in, lines out, through two evbuffers; 0 when they
 * match. */
static int
evbuffer_round_trip(size_t count)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	char *line = NULL;
	size_t len, lines = 0;
	size_t i;
	int rc = -1;

	if (a == NULL || b == NULL)
		goto out;
	for (i = 0; i < count; i++)
		if (evbuffer_add_printf(a, "line %zu of a round trip\n", i) < 0)
			goto out;
	if (evbuffer_add_buffer(b, a) != 0 || evbuffer_get_length(a) != 0)
		goto out;
	while ((line = evbuffer_readln(b, &len, EVBUFFER_EOL_LF)) != NULL) {
		char want[64];

		snprintf(want, sizeof(want), "line %zu of a round trip", lines);
		if (strcmp(line, want) != 0)
			goto out;
		free(line);
		line = NULL;
		lines++;
	}
	/* NULL at the end, or when a line could not be allocated. */
	rc = lines == count && evbuffer_get_length(b) == 0 ? 0 : -1;
out:
	free(line);
	if (a != NULL)
		evbuffer_free(a);
	if (b != NULL)
		evbuffer_free(b);
	return rc;
}

/* With an argument, that many lines go round (default 16): a larger
 * program for measuring. */
int
main(int argc, char **argv)
{
	struct state s;
	struct bufferevent *pair[2] = { NULL, NULL };
	struct event *timer = NULL;
	struct timeval tick = { 0, 20 * 1000 };
	int ok = 0;
	size_t lines = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 16;

	memset(&s, 0, sizeof(s));
	s.base = event_base_new();
	if (s.base == NULL)
		goto out;
	if (evbuffer_round_trip(lines) != 0)
		goto out;
	if (bufferevent_pair_new(s.base, BEV_OPT_CLOSE_ON_FREE, pair) != 0)
		goto out;
	bufferevent_setcb(pair[1], on_read, NULL, on_event, &s);
	if (bufferevent_enable(pair[1], EV_READ) != 0 ||
	    bufferevent_write(pair[0], message, strlen(message)) != 0)
		goto out;
	timer = evtimer_new(s.base, on_timer, &s);
	if (timer == NULL || evtimer_add(timer, &tick) != 0)
		goto out;
	if (event_base_dispatch(s.base) < 0)
		goto out;
	ok = s.timer_fired && s.len == strlen(message) &&
	    memcmp(s.got, message, s.len) == 0;
out:
	if (timer != NULL)
		event_free(timer);
	if (pair[0] != NULL)
		bufferevent_free(pair[0]);
	if (pair[1] != NULL)
		bufferevent_free(pair[1]);
	/* A bufferevent with callbacks pending is freed by the loop, once
	 * they have run: run it once more, without waiting. */
	if (s.base != NULL) {
		event_base_loop(s.base, EVLOOP_NONBLOCK);
		event_base_free(s.base);
	}
	libevent_global_shutdown();
	if (!ok) {
		fprintf(stderr, "libevent_roundtrip: failed (out of memory?)\n");
		return 1;
	}
	return 0;
}
