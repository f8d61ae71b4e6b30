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
 * The hot path is a load and an indirect tail call.  The table holds
 * functions with the C library's signatures: for the C library, its own
 * functions; for event_set_mem_functions(), the hooks as given; for
 * evmm_set_allocator(), trampolines that add the hooks' context
 * (lib/checked.c, which installs its tables through lib/setter-internal.h:
 * this file does not know what is in them).
 *
 * Each allocator has two tables, "fresh" and "used".  A fresh table is
 * published while no block has been allocated through it; its allocating
 * functions first swap in the used twin, then allocate.  That is how
 * evmm_set_allocator() knows whether live blocks may exist without a
 * single write on the hot path after the first allocation.
 *
 * Another part of the library may publish a table in front of the
 * allocator's (lib/dispatch-internal.h says how): the entry points then
 * call that one, the allocator's table waits in evmm_allocator_table_,
 * and the setters work on it there.  A table in front may come with a
 * twin for the C library's used table, which is published instead while
 * that is the allocator's, so that it can call the C library without
 * loading evmm_allocator_table_.  This file does not know what the
 * tables in front do.
 */
#include "config.h"

#include "event2/event.h"
#include "dispatch-internal.h"
#include "init-internal.h"
#include "setter-internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#ifdef HAVE_SCHED_YIELD
#include <sched.h>
#endif

/* The published table. */

static ATOMIC_(const struct evmm_table *) current = &evmm_libc_pair_.fresh;

static void lock_setters(void);
static void unlock_setters(void);

/* The allocator's table while a table in front is published. */
ATOMIC_(const struct evmm_table *) evmm_allocator_table_;
static ATOMIC_(int) fronted;
/* The tables in front, as evmm_dispatch_front_() was given them: under
 * the setters' lock. */
static const struct evmm_table *front_any, *front_libc;

/* While a table is in front, publish the one for the allocator's table:
 * front_libc while that is the C library's used table.  Called locked,
 * whenever either may have changed. */
static void
publish_front(void)
{
	const struct evmm_table *t;

	if (!LOAD_ACQUIRE_(&fronted))
		return;
	t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	STORE_RELEASE_(&current, t == &evmm_libc_pair_.used &&
	    front_libc != NULL ? front_libc : front_any);
}

/* Where the allocator's table is: what the setters replace. */
ATOMIC_(const struct evmm_table *) *
evmm_allocator_slot_(void)
{
	return LOAD_ACQUIRE_(&fronted) ? &evmm_allocator_table_ : &current;
}

/* Publish the used twin of the allocator's table if it is fresh, and
 * return the used table to allocate with.  Reached through a fresh
 * table; if a setter has published another since, that one is marked,
 * which errs on the safe side. */
static const struct evmm_table *
mark_used(void)
{
	ATOMIC_(const struct evmm_table *) *slot = evmm_allocator_slot_();
	const struct evmm_table *t = LOAD_ACQUIRE_(slot);

	while (t->used != NULL && !CAS_(slot, &t, t->used))
		continue;
	/* The C library's table in the back has just made its first block:
	 * the table in front for it may take over.  Once per process. */
	if (t == &evmm_libc_pair_.fresh && slot == &evmm_allocator_table_) {
		lock_setters();
		publish_front();
		unlock_setters();
	}
	return t->used != NULL ? t->used : t;
}

static void *
first_malloc(size_t sz)
{
	return mark_used()->malloc_fn(sz);
}

static void *
first_realloc(void *ptr, size_t sz)
{
	return mark_used()->realloc_fn(ptr, sz);
}

static void *
first_calloc(size_t count, size_t size)
{
	const struct evmm_table *t = mark_used();
	void *p;

	if (t->calloc_fn != NULL)
		return t->calloc_fn(count, size);
	p = t->malloc_fn(count * size);
	return p != NULL ? memset(p, 0, count * size) : NULL;
}

/* The size function of an allocator that cannot tell: 0, remembered. */
static ATOMIC_(int) sizes_unknown;

size_t
evmm_unknown_size_(void *ptr)
{
	(void)ptr;
	if (!LOAD_ACQUIRE_(&sizes_unknown))
		STORE_RELEASE_(&sizes_unknown, 1);
	return 0;
}

int
evmm_dispatch_sizes_unknown_(int forget)
{
	int was = LOAD_ACQUIRE_(&sizes_unknown);

	if (forget)
		STORE_RELEASE_(&sizes_unknown, 0);
	return was;
}

/* The C library's functions themselves: nothing between a call and it
 * but a load and a jump. */
#ifdef HAVE_MALLOC_USABLE_SIZE
#define LIBC_SIZE_ malloc_usable_size
#else
#define LIBC_SIZE_ evmm_unknown_size_
#endif
const struct evmm_pair evmm_libc_pair_ = {
	{ first_malloc, first_realloc, free, first_calloc, LIBC_SIZE_,
	  NULL, NULL, &evmm_libc_pair_.used, NULL },
	{ malloc, realloc, free, calloc, LIBC_SIZE_, NULL, NULL, NULL, NULL }
};

void
evmm_dispatch_front_(const struct evmm_table *front,
    const struct evmm_table *libc_front)
{
	lock_setters();
	if (front != NULL) {
		if (!LOAD_ACQUIRE_(&fronted)) {
			STORE_RELEASE_(&evmm_allocator_table_,
			    LOAD_ACQUIRE_(&current));
			STORE_RELEASE_(&fronted, 1);
		}
		front_any = front;
		front_libc = libc_front;
		publish_front();
	} else if (LOAD_ACQUIRE_(&fronted)) {
		STORE_RELEASE_(&current,
		    LOAD_ACQUIRE_(&evmm_allocator_table_));
		STORE_RELEASE_(&fronted, 0);
	}
	unlock_setters();
}

#ifdef EVMM_GNUC_
/* Whoever links the entry points links the start-up that reads the
 * environment, statically too (lib/init-internal.h). */
static const char *const start_up __attribute__((used)) = &evmm_init_linked_;
#endif

/* The allocation entry points. */

void *
event_mm_malloc_(size_t sz)
{
	if (sz == 0)
		return NULL;
	return LOAD_ACQUIRE_(&current)->malloc_fn(sz);
}

void *
event_mm_calloc_(size_t count, size_t size)
{
	const struct evmm_table *t;
	void *p;

	if (count == 0 || size == 0)
		return NULL;
	/* Checked here, not left to the allocator, so that a hook never sees
	 * a product that wrapped around. */
	if (count > SIZE_MAX / size)
		goto fail;
	t = LOAD_ACQUIRE_(&current);
	if (t->calloc_at != NULL) {
		p = t->calloc_at(count, size, EVMM_RETURN_ADDRESS());
		if (p == NULL)
			goto fail;
		return p;
	}
	if (t->calloc_fn != NULL) {
		p = t->calloc_fn(count, size);
		/* Not every calloc() sets errno (Windows' does not). */
		if (p == NULL)
			goto fail;
		return p;
	}
	p = t->malloc_fn(count * size);
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
	const struct evmm_table *t;
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
	if (t->strdup_at != NULL)
		p = t->strdup_at(len + 1, EVMM_RETURN_ADDRESS());
	else
		p = t->malloc_fn(len + 1);
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	return memcpy(p, str, len + 1);
}

void *
event_mm_realloc_(void *ptr, size_t sz)
{
	return LOAD_ACQUIRE_(&current)->realloc_fn(ptr, sz);
}

void
event_mm_free_(void *ptr)
{
	LOAD_ACQUIRE_(&current)->free_fn(ptr);
}

/* Installing tables.  Setters are rare and serialised by a spin lock, so
 * the library needs no thread library; the hot path never takes it.
 *
 * fork() copies the lock as it is: held, when another thread was inside a
 * setter, by a thread the child does not have, so that every setter in
 * the child would spin forever.  Where the C library has pthread_atfork(),
 * the library's fork handlers (lib/init.c) take the lock around fork():
 * the child starts with it free and every table whole.  A signal handler
 * that calls a setter while its own thread holds the lock still spins
 * forever, which is why the setters are documented as not
 * async-signal-safe (they may also call malloc()). */

/* Pairs made so far: a static pool, then heap blocks that are never
 * freed, kept on a list (reachable, so leak checkers stay quiet). */
enum { POOL_PAIRS = 16 };
struct pool_pair {
	struct evmm_pair pair;
	/* When this allocator was last installed as a declared wrapper:
	 * the used table it wraps, which may be installed again in its
	 * place (unwrapping).  NULL when it was not. */
	const struct evmm_table *wrapped;
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
	unsigned spins = 0;

	while (!CAS_(&setter_lock, &unlocked, 1)) {
		unlocked = 0;
#ifdef HAVE_SCHED_YIELD
		/* On one processor (or under valgrind, which runs one
		 * thread at a time) the holder cannot finish while this
		 * thread spins out its time slice. */
		if (++spins % 64 == 0)
			sched_yield();
#else
		(void)spins;
#endif
	}
}

static void
unlock_setters(void)
{
	STORE_RELEASE_(&setter_lock, 0);
}

void
evmm_dispatch_lock_(void)
{
	lock_setters();
}

void
evmm_dispatch_unlock_(void)
{
	unlock_setters();
}

static int
same_table(const struct evmm_table *a, const struct evmm_table *b)
{
	return a->malloc_fn == b->malloc_fn &&
	    a->realloc_fn == b->realloc_fn &&
	    a->free_fn == b->free_fn &&
	    a->calloc_fn == b->calloc_fn &&
	    a->size_fn == b->size_fn;
}

/* The pair whose used table is @p want: an existing one, or a new one.
 * NULL only when memory for a new one cannot be had.  Called locked. */
static const struct evmm_pair *
pair_for(const struct evmm_table *want)
{
	struct pool_pair *pp;
	int saved_errno;

	if (same_table(want, &evmm_libc_pair_.used))
		return &evmm_libc_pair_;
	for (pp = pairs; pp != NULL; pp = pp->next)
		if (same_table(want, &pp->pair.used))
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

/* The pool pair whose used table is @p t; NULL for the C library's. */
static struct pool_pair *
pool_pair_of(const struct evmm_table *t)
{
	struct pool_pair *pp;

	for (pp = pairs; pp != NULL; pp = pp->next)
		if (t == &pp->pair.used)
			return pp;
	return NULL;
}

int
evmm_made_table_(const struct evmm_table *t)
{
	return t == &evmm_libc_pair_.used || pool_pair_of(t) != NULL;
}

/* Whether @p want is what the used table @p cur wraps: installing it
 * again removes the wrapper, whose blocks it made. */
int
evmm_unwraps_(const struct evmm_table *cur, const struct evmm_table *want)
{
	const struct pool_pair *pp = pool_pair_of(cur);

	return pp != NULL && pp->wrapped != NULL &&
	    same_table(pp->wrapped, want);
}

/* Publish the allocator that @p want describes, as @p how says.  Called
 * locked; returns 0 or an errno value. */
int
evmm_install_(const struct evmm_table *want, enum evmm_how how)
{
	ATOMIC_(const struct evmm_table *) *slot = evmm_allocator_slot_();
	const struct evmm_table *cur = LOAD_ACQUIRE_(slot);
	const struct evmm_pair *pair;
	struct pool_pair *pp;

	/* Checked before a table is made, so that a refused allocator
	 * costs no memory. */
	if (cur->used == NULL && how == EVMM_REPLACE &&
	    !evmm_unwraps_(cur, want))
		return EBUSY;
	pair = pair_for(want);
	if (pair == NULL)
		return ENOMEM;
	/* A fresh allocator has made no block, so its successor starts
	 * fresh; after a used one, the successor owns live blocks.  The
	 * exchange fails only when an allocation has just marked the
	 * current table used: then look again. */
	while (!CAS_(slot, &cur,
	    cur->used != NULL ? &pair->fresh : &pair->used))
		if (cur->used == NULL && how == EVMM_REPLACE &&
		    !evmm_unwraps_(cur, want))
			return EBUSY;
	publish_front();
	/* A wrapper records what it wraps; an allocator that took over
	 * from a fresh one, or from the classic setter, wraps nothing; one
	 * that a wrapper gave way to keeps what it wraps itself, so that a
	 * chain comes apart in order. */
	pp = pool_pair_of(&pair->used);
	if (pp != NULL && how == EVMM_WRAP)
		pp->wrapped = cur->used != NULL ? cur->used : cur;
	else if (pp != NULL && (how == EVMM_CLASSIC || cur->used != NULL))
		pp->wrapped = NULL;
	return 0;
}

void
event_set_mem_functions(void *(*malloc_fn)(size_t sz),
    void *(*realloc_fn)(void *ptr, size_t sz),
    void (*free_fn)(void *ptr))
{
	struct evmm_table want = evmm_libc_pair_.used;

	/* libevent's contract: each NULL means the C library for that role,
	 * and the C library's calloc() only while malloc is its too.  The
	 * hooks go into the table as they are. */
	if (malloc_fn != NULL) {
		want.malloc_fn = malloc_fn;
		want.calloc_fn = NULL;
	}
	if (realloc_fn != NULL)
		want.realloc_fn = realloc_fn;
	if (free_fn != NULL)
		want.free_fn = free_fn;
	/* Blocks from the program's hooks have sizes only they know. */
	if (malloc_fn != NULL || realloc_fn != NULL || free_fn != NULL)
		want.size_fn = evmm_unknown_size_;
	/* The classic setter replaces unconditionally and reports nothing;
	 * its only failure, no memory for a new table, leaves the allocator
	 * as it was.  errno is left as it was either way. */
	lock_setters();
	(void)evmm_install_(&want, EVMM_CLASSIC);
	unlock_setters();
}
