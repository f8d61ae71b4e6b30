/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Checked allocators: evmm_set_allocator() and evmm_get_allocator() of
 * event2/evmm.h.  Built only without --disable-malloc-replacement.
 * Depends on the dispatch (lib/setter-internal.h), which publishes the
 * tables made here as it publishes any other.
 */
#include "config.h"

#include "event2/evmm.h"
#include "setter-internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Checked allocators.  Their hooks take a context, so the table holds
 * trampolines that add it.  A trampoline reads its allocator from a fixed
 * slot, whose address the linker resolves: two instructions, no table
 * argument on the hot path.  That takes one set of trampolines per slot,
 * so there are EVMM_ALLOCATORS_MAX slots: as many distinct checked
 * allocators as a process may install.  A slot is written once, under
 * the setters' lock, before any table that uses it is published.
 */
enum { CHECKED_MAX = EVMM_ALLOCATORS_MAX };
/* The trampolines below are written out for 64 slots. */
typedef char checked_max_is_64_[CHECKED_MAX == 64 ? 1 : -1];
static struct evmm_allocator checked[CHECKED_MAX];
static size_t checked_count;

/*
 * Where errno is, for the trampolines that keep it across a free hook.
 * errno is a call to a function of the C library (through the PLT, with
 * glibc), and the trampoline would otherwise keep its argument across
 * that call too; with initial-exec thread-local storage, each thread
 * asks once and keeps the address, which saves 4 instructions per call.
 */
#ifdef EVMM_HAVE_TLS_IE
static __thread int *errno_at __attribute__((tls_model("initial-exec")));

static __attribute__((noinline, cold)) int *
find_errno(void)
{
	return errno_at = &errno;
}

#define ERRNO_ADDRESS_() \
	(__builtin_expect(errno_at != NULL, 1) ? errno_at : find_errno())
#else
#define ERRNO_ADDRESS_() (&errno)
#endif

#define TRAMPOLINES_(n, k) \
	static void * \
	checked_malloc_##n(size_t sz) \
	{ \
		return checked[k].malloc_fn(sz, checked[k].ctx); \
	} \
	static void * \
	checked_realloc_##n(void *ptr, size_t sz) \
	{ \
		return checked[k].realloc_fn(ptr, sz, checked[k].ctx); \
	} \
	static void \
	checked_free_##n(void *ptr) \
	{ \
		int *e = ERRNO_ADDRESS_(); \
		int saved = *e; \
		checked[k].free_fn(ptr, checked[k].ctx); \
		*e = saved; \
	} \
	static void \
	checked_free_keeps_errno_##n(void *ptr) \
	{ \
		checked[k].free_fn(ptr, checked[k].ctx); \
	} \
	static void * \
	checked_calloc_##n(size_t count, size_t size) \
	{ \
		return checked[k].calloc_fn(count, size, checked[k].ctx); \
	} \
	static size_t \
	checked_size_##n(void *ptr) \
	{ \
		return checked[k].size_fn(ptr, checked[k].ctx); \
	}
#define SLOT_(x, y) TRAMPOLINES_(x##y, x * 8 + y)
#define ROW_(x) SLOT_(x, 0) SLOT_(x, 1) SLOT_(x, 2) SLOT_(x, 3) \
	SLOT_(x, 4) SLOT_(x, 5) SLOT_(x, 6) SLOT_(x, 7)
ROW_(0) ROW_(1) ROW_(2) ROW_(3) ROW_(4) ROW_(5) ROW_(6) ROW_(7)
#undef SLOT_
#undef ROW_

static const struct trampolines {
	void *(*malloc_fn)(size_t sz);
	void *(*realloc_fn)(void *ptr, size_t sz);
	void (*free_fn)(void *ptr);
	void (*free_keeps_errno_fn)(void *ptr);
	void *(*calloc_fn)(size_t count, size_t size);
	size_t (*size_fn)(void *ptr);
} trampolines[CHECKED_MAX] = {
#define SLOT_(x, y) { checked_malloc_##x##y, checked_realloc_##x##y, \
	checked_free_##x##y, checked_free_keeps_errno_##x##y, \
	checked_calloc_##x##y, checked_size_##x##y },
#define ROW_(x) SLOT_(x, 0) SLOT_(x, 1) SLOT_(x, 2) SLOT_(x, 3) \
	SLOT_(x, 4) SLOT_(x, 5) SLOT_(x, 6) SLOT_(x, 7)
	ROW_(0) ROW_(1) ROW_(2) ROW_(3) ROW_(4) ROW_(5) ROW_(6) ROW_(7)
#undef SLOT_
#undef ROW_
};

/* The checked setter. */

/* The size of a struct evmm_allocator that ends at ctx, without size_fn
 * (event2/evmm.h). */
#define ALLOCATOR_SIZE_TO_CTX offsetof(struct evmm_allocator, size_fn)

/* Whether @p a is a description this library can read: at least as long
 * as the first version of the struct, no longer than the documented bound
 * (a larger size is a caller's bug, and reading that far could fault),
 * and, if a newer header made it longer, with every field this library
 * does not know left zero. */
static int
readable(const struct evmm_allocator *a)
{
	const unsigned char *tail = (const unsigned char *)a;
	size_t i;

	if ((a->size != ALLOCATOR_SIZE_TO_CTX && a->size < sizeof(*a)) ||
	    a->size > EVMM_ALLOCATOR_SIZE_MAX)
		return 0;
	for (i = sizeof(*a); i < a->size; i++)
		if (tail[i] != 0)
			return 0;
	return 1;
}

/* The slot of checked allocator @p a, or -1 when it has none.  Called
 * locked. */
static int
find_slot(const struct evmm_allocator *a)
{
	size_t k;

	for (k = 0; k < checked_count; k++)
		if (checked[k].malloc_fn == a->malloc_fn &&
		    checked[k].realloc_fn == a->realloc_fn &&
		    checked[k].free_fn == a->free_fn &&
		    checked[k].calloc_fn == a->calloc_fn &&
		    checked[k].size_fn == a->size_fn &&
		    checked[k].ctx == a->ctx && checked[k].flags == a->flags)
			return (int)k;
	return -1;
}

/* A new slot for @p a, or -1 when every slot is taken.  Called locked. */
static int
add_slot(const struct evmm_allocator *a)
{
	if (checked_count == CHECKED_MAX)
		return -1;
	checked[checked_count] = *a;
	return (int)checked_count++;
}

/* The table of the checked allocator in slot @p k. */
static void
checked_table(int k, struct evmm_table *want)
{
	const struct trampolines *tr = &trampolines[k];
	const struct evmm_allocator *a = &checked[k];

	*want = evmm_libc_pair_.used;
	want->malloc_fn = tr->malloc_fn;
	want->realloc_fn = tr->realloc_fn;
	/* Saving errno costs a call to find it and register spills, more
	 * than the dispatch itself: skipped for hooks that keep errno
	 * themselves. */
	want->free_fn = a->flags & EVMM_ALLOCATOR_FREE_KEEPS_ERRNO ?
	    tr->free_keeps_errno_fn : tr->free_fn;
	want->calloc_fn = a->calloc_fn != NULL ? tr->calloc_fn : NULL;
	want->size_fn = a->size_fn != NULL ? tr->size_fn : evmm_unknown_size_;
	want->checked = a;
}

static void *table_malloc(size_t sz, void *t);
static void *table_realloc(void *ptr, size_t sz, void *t);
static void table_free(void *ptr, void *t);
static void *table_calloc(size_t count, size_t size, void *t);
static size_t table_size(void *ptr, void *t);

/* Whether the hooks of @p a that are the getter's own functions, which
 * read their context as a table, are handed a table this library made,
 * one that has the function the hook calls.  The context is compared
 * with the tables' addresses before anything is read through it, so a
 * caller's pointer that is not one of them is never followed.  Called
 * locked. */
static int
own_tables_whole(const struct evmm_allocator *a)
{
	const struct evmm_table *t = a->ctx;

	if (a->malloc_fn != table_malloc && a->realloc_fn != table_realloc &&
	    a->free_fn != table_free && a->calloc_fn != table_calloc &&
	    a->size_fn != table_size)
		return 1;
	if (!evmm_made_table_(t))
		return 0;
	return (a->calloc_fn != table_calloc || t->calloc_fn != NULL) &&
	    (a->size_fn != table_size || t->size_fn != evmm_unknown_size_);
}

int
evmm_set_allocator(const struct evmm_allocator *a)
{
	struct evmm_allocator copy;
	struct evmm_table want;
	const struct evmm_table *cur;
	enum evmm_how how;
	int err, k, wraps;

	memset(&copy, 0, sizeof(copy));
	if (a != NULL) {
		if (!readable(a) ||
		    (a->flags & ~(unsigned)(EVMM_ALLOCATOR_WRAPS |
		    EVMM_ALLOCATOR_FREE_KEEPS_ERRNO)) != 0) {
			errno = EINVAL;
			return -1;
		}
		memcpy(&copy, a, a->size < sizeof(copy) ? a->size :
		    sizeof(copy));
	}
	wraps = (copy.flags & EVMM_ALLOCATOR_WRAPS) != 0;
	how = wraps ? EVMM_WRAP : EVMM_REPLACE;
	/* What the slot records: the hooks, the context and the one flag
	 * that changes the trampolines. */
	copy.size = sizeof(copy);
	copy.flags &= EVMM_ALLOCATOR_FREE_KEEPS_ERRNO;
	/* What evmm_get_allocator() said of the C library or of classic
	 * hooks: installing it again installs that table itself, so that a
	 * wrapper built on it can be removed. */
	evmm_dispatch_lock_();
	if (!own_tables_whole(&copy)) {
		evmm_dispatch_unlock_();
		errno = EINVAL;
		return -1;
	}
	if (copy.malloc_fn == table_malloc &&
	    copy.realloc_fn == table_realloc && copy.free_fn == table_free) {
		err = evmm_install_(copy.ctx, how);
		evmm_dispatch_unlock_();
		goto out;
	}
	evmm_dispatch_unlock_();
	if (copy.malloc_fn == NULL && copy.realloc_fn == NULL &&
	    copy.free_fn == NULL && copy.calloc_fn == NULL &&
	    copy.size_fn == NULL) {
		evmm_dispatch_lock_();
		err = evmm_install_(&evmm_libc_pair_.used, how);
		evmm_dispatch_unlock_();
		goto out;
	}
	if (copy.malloc_fn == NULL || copy.realloc_fn == NULL ||
	    copy.free_fn == NULL) {
		errno = EINVAL;
		return -1;
	}
	evmm_dispatch_lock_();
	/* EBUSY is checked again by evmm_install_(); here so that a refused
	 * allocator takes no slot.  An allocator that a wrapper wraps was
	 * installed before, so it has a slot. */
	k = find_slot(&copy);
	if (k >= 0)
		checked_table(k, &want);
	cur = LOAD_ACQUIRE_(evmm_allocator_slot_());
	if (!wraps && cur->used == NULL &&
	    (k < 0 || !evmm_unwraps_(cur, &want))) {
		err = EBUSY;
	} else if (k < 0 && (k = add_slot(&copy)) < 0) {
		err = ENOMEM;
	} else {
		checked_table(k, &want);
		err = evmm_install_(&want, how);
	}
	evmm_dispatch_unlock_();
out:
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

/* For evmm_get_allocator(): a table's functions as hooks with a context,
 * the table itself, which they never write through. */
#define TABLE_(p) ((const struct evmm_table *)(p))

static void *
table_malloc(size_t sz, void *t)
{
	return TABLE_(t)->malloc_fn(sz);
}

static void *
table_realloc(void *ptr, size_t sz, void *t)
{
	return TABLE_(t)->realloc_fn(ptr, sz);
}

static void
table_free(void *ptr, void *t)
{
	TABLE_(t)->free_fn(ptr);
}

static void *
table_calloc(size_t count, size_t size, void *t)
{
	return TABLE_(t)->calloc_fn(count, size);
}

static size_t
table_size(void *ptr, void *t)
{
	return TABLE_(t)->size_fn(ptr);
}

int
evmm_get_allocator(struct evmm_allocator *a)
{
	struct evmm_allocator out;
	const struct evmm_table *t;
	size_t n;

	if (a == NULL || (a->size != ALLOCATOR_SIZE_TO_CTX &&
	    a->size < sizeof(*a)) || a->size > EVMM_ALLOCATOR_SIZE_MAX) {
		errno = EINVAL;
		return -1;
	}
	/* An older caller's struct gets the fields it knows. */
	n = a->size < sizeof(out) ? a->size : sizeof(out);
	t = LOAD_ACQUIRE_(evmm_allocator_slot_());
	if (t->used != NULL)
		t = t->used;
	if (t->checked != NULL) {
		out = *t->checked;
	} else {
		/* The C library or classic hooks. */
		memset(&out, 0, sizeof(out));
		out.size = sizeof(out);
		out.malloc_fn = table_malloc;
		out.realloc_fn = table_realloc;
		out.free_fn = table_free;
		out.calloc_fn = t->calloc_fn != NULL ? table_calloc : NULL;
		out.size_fn = t->size_fn != evmm_unknown_size_ ? table_size :
		    NULL;
		out.ctx = (void *)(uintptr_t)t;
	}
	/* A longer struct from a newer header: its fields are unknown
	 * here, so they read as zero, which means "not given". */
	if (a->size > n)
		memset((unsigned char *)a + n, 0, a->size - n);
	out.size = n;
	memcpy(a, &out, n);
	return 0;
}
