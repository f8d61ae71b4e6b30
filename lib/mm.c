/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The replaceable allocator.  Built only without
 * --disable-malloc-replacement; in that variant the mm_* names are the C
 * library's functions and nothing here exists.
 *
 * The installed allocator is one immutable table, published through one
 * atomic pointer: every event_mm_*_() call loads the pointer once, with
 * acquire ordering, and uses that table's functions only, so a call never
 * pairs one allocator's malloc with another's free, and a concurrent
 * replacement is not a data race.  Tables are never freed (a thread may
 * still hold an old one), and identical ones are shared, so their number
 * is the number of distinct allocators a program installs.
 *
 * The hot path is a load and an indirect tail call, with the table itself
 * as the second argument: the functions in a table adapt it to what was
 * installed (the C library, classic hooks, or hooks with a context).
 * Taking the table as argument, rather than the user's context, keeps the
 * default path at one extra jump into the C library.
 *
 * Each allocator has two tables, "fresh" and "used".  A fresh table is
 * published while no block has been allocated through it; its allocating
 * functions first swap in the used twin, then allocate.  That is how
 * evmm_set_allocator() knows whether live blocks may exist without a
 * single write on the hot path after the first allocation.
 */
#include "config.h"

#include "event2/event.h"
#include "mm-internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(EVMM_HAVE_C11_ATOMICS)
#include <stdatomic.h>
#define ATOMIC_(type) _Atomic(type)
#define LOAD_ACQUIRE_(p) atomic_load_explicit((p), memory_order_acquire)
#define STORE_RELEASE_(p, v) \
	atomic_store_explicit((p), (v), memory_order_release)
#define CAS_(p, expected, desired) \
	atomic_compare_exchange_strong_explicit((p), (expected), (desired), \
	    memory_order_acq_rel, memory_order_acquire)
#elif defined(EVMM_HAVE_ATOMIC_BUILTINS)
#define ATOMIC_(type) type
#define LOAD_ACQUIRE_(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE_RELEASE_(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define CAS_(p, expected, desired) \
	__atomic_compare_exchange_n((p), (expected), (desired), 0, \
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
#else
#error "configure found neither C11 atomics nor the __atomic builtins"
#endif

struct table {
	/* Called with the table itself as the last argument. */
	void *(*malloc_fn)(size_t sz, void *table);
	void *(*realloc_fn)(void *ptr, size_t sz, void *table);
	void (*free_fn)(void *ptr, void *table);
	/* NULL: event_mm_calloc_() uses malloc_fn and zero-fills. */
	void *(*calloc_fn)(size_t count, size_t size, void *table);
	/* In a fresh table its used twin; NULL in a used table. */
	const struct table *used;
	/* What was installed: classic hooks (NULL: the C library's), or the
	 * checked setter's description. */
	void *(*classic_malloc)(size_t sz);
	void *(*classic_realloc)(void *ptr, size_t sz);
	void (*classic_free)(void *ptr);
	struct evmm_allocator user;
};

struct pair {
	struct table fresh, used;
};

/* The tables' functions take a void * so that evmm_get_allocator() can
 * hand them out as hooks with a context; they never write through it. */
#define TABLE_(p) ((const struct table *)(p))
#define ARG_(t) ((void *)(uintptr_t)(t))

/* The C library. */

static void *
libc_malloc(size_t sz, void *t)
{
	(void)t;
	return malloc(sz);
}

static void *
libc_realloc(void *ptr, size_t sz, void *t)
{
	(void)t;
	return realloc(ptr, sz);
}

static void
libc_free(void *ptr, void *t)
{
	(void)t;
	free(ptr);
}

static void *
libc_calloc(size_t count, size_t size, void *t)
{
	(void)t;
	return calloc(count, size);
}

/* Classic hooks: libevent's signatures, no context. */

static void *
classic_malloc(size_t sz, void *t)
{
	return TABLE_(t)->classic_malloc(sz);
}

static void *
classic_realloc(void *ptr, size_t sz, void *t)
{
	return TABLE_(t)->classic_realloc(ptr, sz);
}

static void
classic_free(void *ptr, void *t)
{
	TABLE_(t)->classic_free(ptr);
}

/* Hooks from evmm_set_allocator(), with the user's context. */

static void *
checked_malloc(size_t sz, void *t)
{
	return TABLE_(t)->user.malloc_fn(sz, TABLE_(t)->user.ctx);
}

static void *
checked_realloc(void *ptr, size_t sz, void *t)
{
	return TABLE_(t)->user.realloc_fn(ptr, sz, TABLE_(t)->user.ctx);
}

static void
checked_free(void *ptr, void *t)
{
	/* Promised by evmm_set_allocator(): a free hook may not disturb the
	 * caller's errno, as POSIX now requires of free() itself. */
	int saved = errno;

	TABLE_(t)->user.free_fn(ptr, TABLE_(t)->user.ctx);
	errno = saved;
}

/* For hooks that promise to keep errno themselves. */
static void
checked_free_keeps_errno(void *ptr, void *t)
{
	TABLE_(t)->user.free_fn(ptr, TABLE_(t)->user.ctx);
}

static void *
checked_calloc(size_t count, size_t size, void *t)
{
	return TABLE_(t)->user.calloc_fn(count, size, TABLE_(t)->user.ctx);
}

/* The published table. */

static const struct pair libc_pair;
static ATOMIC_(const struct table *) current = &libc_pair.fresh;

/* Publish the used twin of fresh table @p t, unless something else has
 * been published since; either way the caller then dispatches again. */
static void
mark_used(void *t)
{
	const struct table *expected = TABLE_(t);

	CAS_(&current, &expected, TABLE_(t)->used);
}

static void *
first_malloc(size_t sz, void *t)
{
	mark_used(t);
	return event_mm_malloc_(sz);
}

static void *
first_realloc(void *ptr, size_t sz, void *t)
{
	mark_used(t);
	return event_mm_realloc_(ptr, sz);
}

static void *
first_calloc(size_t count, size_t size, void *t)
{
	mark_used(t);
	return event_mm_calloc_(count, size);
}

static const struct pair libc_pair = {
	{ first_malloc, first_realloc, libc_free, first_calloc,
	  &libc_pair.used, NULL, NULL, NULL,
	  { 0, 0, NULL, NULL, NULL, NULL, NULL } },
	{ libc_malloc, libc_realloc, libc_free, libc_calloc, NULL,
	  NULL, NULL, NULL, { 0, 0, NULL, NULL, NULL, NULL, NULL } }
};

/* The allocation entry points. */

void *
event_mm_malloc_(size_t sz)
{
	const struct table *t;

	if (sz == 0)
		return NULL;
	t = LOAD_ACQUIRE_(&current);
	return t->malloc_fn(sz, ARG_(t));
}

void *
event_mm_calloc_(size_t count, size_t size)
{
	const struct table *t;
	void *p;

	if (count == 0 || size == 0)
		return NULL;
	/* Checked here, not left to the allocator, so that a hook never sees
	 * a product that wrapped around. */
	if (count > SIZE_MAX / size)
		goto fail;
	t = LOAD_ACQUIRE_(&current);
	if (t->calloc_fn != NULL) {
		p = t->calloc_fn(count, size, ARG_(t));
		/* Not every calloc() sets errno (Windows' does not). */
		if (p == NULL)
			goto fail;
		return p;
	}
	p = t->malloc_fn(count * size, ARG_(t));
	if (p == NULL)
		goto fail;
	return memset(p, 0, count * size);
fail:
	errno = ENOMEM;
	return NULL;
}

char *
event_mm_strdup_(const char *str)
{
	const struct table *t;
	size_t len;
	char *p;

	if (str == NULL) {
		errno = EINVAL;
		return NULL;
	}
	/* len + 1 cannot wrap: a string of SIZE_MAX characters and its NUL
	 * would not fit in the address space. */
	len = strlen(str);
	t = LOAD_ACQUIRE_(&current);
	p = t->malloc_fn(len + 1, ARG_(t));
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	return memcpy(p, str, len + 1);
}

void *
event_mm_realloc_(void *ptr, size_t sz)
{
	const struct table *t = LOAD_ACQUIRE_(&current);

	return t->realloc_fn(ptr, sz, ARG_(t));
}

void
event_mm_free_(void *ptr)
{
	const struct table *t = LOAD_ACQUIRE_(&current);

	t->free_fn(ptr, ARG_(t));
}

/* Installing tables.  Setters are rare and serialised by a spin lock, so
 * the library needs no thread library; the hot path never takes it. */

/* Pairs made so far: a static pool, then heap blocks that are never
 * freed, kept on a list (reachable, so leak checkers stay quiet). */
enum { POOL_PAIRS = 16 };
struct pool_pair {
	struct pair pair;
	struct pool_pair *next;
};
static struct pool_pair pool[POOL_PAIRS];
static struct pool_pair *pairs;	/* newest first */
static size_t pool_used;
static ATOMIC_(int) setter_lock;

static void
lock_setters(void)
{
	int unlocked = 0;

	while (!CAS_(&setter_lock, &unlocked, 1))
		unlocked = 0;
}

static void
unlock_setters(void)
{
	STORE_RELEASE_(&setter_lock, 0);
}

static int
same_allocator(const struct table *a, const struct table *b)
{
	return a->malloc_fn == b->malloc_fn &&
	    a->realloc_fn == b->realloc_fn &&
	    a->free_fn == b->free_fn &&
	    a->calloc_fn == b->calloc_fn &&
	    a->classic_malloc == b->classic_malloc &&
	    a->classic_realloc == b->classic_realloc &&
	    a->classic_free == b->classic_free &&
	    a->user.malloc_fn == b->user.malloc_fn &&
	    a->user.realloc_fn == b->user.realloc_fn &&
	    a->user.free_fn == b->user.free_fn &&
	    a->user.calloc_fn == b->user.calloc_fn &&
	    a->user.ctx == b->user.ctx;
}

/* The pair for used table @p want: an existing one, or a new one.  NULL
 * only when memory for a new one cannot be had.  Called locked. */
static const struct pair *
pair_for(const struct table *want)
{
	struct pool_pair *pp;
	int saved_errno;

	if (same_allocator(want, &libc_pair.used))
		return &libc_pair;
	for (pp = pairs; pp != NULL; pp = pp->next)
		if (same_allocator(want, &pp->pair.used))
			return &pp->pair;
	if (pool_used < POOL_PAIRS) {
		pp = &pool[pool_used++];
	} else {
		saved_errno = errno;
		pp = malloc(sizeof(*pp));
		errno = saved_errno;
		if (pp == NULL)
			return NULL;
	}
	pp->pair.used = *want;
	pp->pair.used.used = NULL;
	pp->pair.fresh = pp->pair.used;
	pp->pair.fresh.malloc_fn = first_malloc;
	pp->pair.fresh.realloc_fn = first_realloc;
	pp->pair.fresh.calloc_fn = first_calloc;
	pp->pair.fresh.used = &pp->pair.used;
	pp->next = pairs;
	pairs = pp;
	return &pp->pair;
}

/* Publish allocator @p want.  Unless @p wraps, refuse with EBUSY when the
 * current allocator has made a block.  Returns 0 or an errno value. */
static int
install(const struct table *want, int wraps)
{
	const struct table *cur;
	const struct pair *pair;
	int err = 0;

	lock_setters();
	cur = LOAD_ACQUIRE_(&current);
	/* Checked before a table is made, so that a refused allocator
	 * costs no memory. */
	if (cur->used == NULL && !wraps) {
		err = EBUSY;
		goto out;
	}
	pair = pair_for(want);
	if (pair == NULL) {
		err = ENOMEM;
		goto out;
	}
	/* A fresh allocator has made no block, so its successor starts
	 * fresh; after a used one, the successor owns live blocks.  The
	 * exchange fails only when an allocation has just marked the
	 * current table used: then look again. */
	while (!CAS_(&current, &cur,
	    cur->used != NULL ? &pair->fresh : &pair->used)) {
		if (cur->used == NULL && !wraps) {
			err = EBUSY;
			goto out;
		}
	}
out:
	unlock_setters();
	return err;
}

void
event_set_mem_functions(void *(*malloc_fn)(size_t sz),
    void *(*realloc_fn)(void *ptr, size_t sz),
    void (*free_fn)(void *ptr))
{
	struct table want = libc_pair.used;

	/* libevent's contract: each NULL means the C library for that role,
	 * and the C library's calloc() only while malloc is its too. */
	if (malloc_fn != NULL) {
		want.malloc_fn = classic_malloc;
		want.classic_malloc = malloc_fn;
		want.calloc_fn = NULL;
	}
	if (realloc_fn != NULL) {
		want.realloc_fn = classic_realloc;
		want.classic_realloc = realloc_fn;
	}
	if (free_fn != NULL) {
		want.free_fn = classic_free;
		want.classic_free = free_fn;
	}
	/* The classic setter replaces unconditionally and reports nothing;
	 * its only failure, no memory for a new table, leaves the allocator
	 * as it was.  errno is left as it was either way. */
	(void)install(&want, 1);
}

/* The checked setter and the getter. */

/* Whether @p a is a description this library can read: at least as long
 * as the first version of the struct, and, if a newer header made it
 * longer, with every field this library does not know left zero. */
static int
readable(const struct evmm_allocator *a)
{
	const unsigned char *tail = (const unsigned char *)a;
	size_t i;

	if (a->size < sizeof(*a))
		return 0;
	for (i = sizeof(*a); i < a->size; i++)
		if (tail[i] != 0)
			return 0;
	return 1;
}

int
evmm_set_allocator(const struct evmm_allocator *a)
{
	struct evmm_allocator copy;
	struct table want = libc_pair.used;
	int err;

	memset(&copy, 0, sizeof(copy));
	if (a != NULL) {
		if (!readable(a) || (a->flags & ~(unsigned)(EVMM_ALLOCATOR_WRAPS |
		    EVMM_ALLOCATOR_FREE_KEEPS_ERRNO)) != 0) {
			errno = EINVAL;
			return -1;
		}
		copy = *a;
	}
	if (copy.malloc_fn != NULL || copy.realloc_fn != NULL ||
	    copy.free_fn != NULL || copy.calloc_fn != NULL) {
		if (copy.malloc_fn == NULL || copy.realloc_fn == NULL ||
		    copy.free_fn == NULL) {
			errno = EINVAL;
			return -1;
		}
		want.malloc_fn = checked_malloc;
		want.realloc_fn = checked_realloc;
		/* Saving errno costs a call to find it, and spills: about
		 * half the dispatch.  Skipped for hooks that keep it. */
		want.free_fn = copy.flags & EVMM_ALLOCATOR_FREE_KEEPS_ERRNO ?
		    checked_free_keeps_errno : checked_free;
		want.calloc_fn = copy.calloc_fn != NULL ? checked_calloc : NULL;
		want.user = copy;
		want.user.size = 0;
		want.user.flags = 0;
	}
	err = install(&want, (copy.flags & EVMM_ALLOCATOR_WRAPS) != 0);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

int
evmm_get_allocator(struct evmm_allocator *a)
{
	struct evmm_allocator out;
	const struct table *t;

	if (a == NULL || a->size < sizeof(*a)) {
		errno = EINVAL;
		return -1;
	}
	t = LOAD_ACQUIRE_(&current);
	if (t->used != NULL)
		t = t->used;
	memset(&out, 0, sizeof(out));
	out.size = sizeof(out);
	if (t->malloc_fn == checked_malloc) {
		if (t->free_fn == checked_free_keeps_errno)
			out.flags = EVMM_ALLOCATOR_FREE_KEEPS_ERRNO;
		out.malloc_fn = t->user.malloc_fn;
		out.realloc_fn = t->user.realloc_fn;
		out.free_fn = t->user.free_fn;
		out.calloc_fn = t->user.calloc_fn;
		out.ctx = t->user.ctx;
	} else {
		/* The table's own functions, with the table as context: they
		 * call the C library or the classic hooks. */
		out.malloc_fn = t->malloc_fn;
		out.realloc_fn = t->realloc_fn;
		out.free_fn = t->free_fn;
		out.calloc_fn = t->calloc_fn;
		out.ctx = ARG_(t);
	}
	/* A longer struct from a newer header: its fields are unknown
	 * here, so they read as zero, which means "not given". */
	memset((unsigned char *)a + sizeof(out), 0, a->size - sizeof(out));
	*a = out;
	return 0;
}
