/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/* The tests' allocation hooks; hooks.h says what each does. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hooks.h"

struct hook_counts hook_counts;

static void *
refuse(const struct hook_counts *c)
{
	if (c->fail_errno != 0)
		errno = c->fail_errno;
	return NULL;
}

static void *
count_malloc(struct hook_counts *c, size_t sz)
{
	void *p;

	c->mallocs++;
	c->last_malloc_size = sz;
	if (c->fail)
		return refuse(c);
	p = malloc(sz);
	if (p != NULL)
		memset(p, HOOK_FILL_BYTE, sz);
	return p;
}

static void *
count_realloc(struct hook_counts *c, void *ptr, size_t sz)
{
	c->reallocs++;
	c->last_realloc_ptr = ptr;
	c->last_realloc_size = sz;
	if (c->fail)
		return refuse(c);
	return realloc(ptr, sz);
}

static void
count_free(struct hook_counts *c, void *ptr)
{
	c->frees++;
	c->last_free_ptr = ptr;
	free(ptr);
	if (c->free_errno != 0)
		errno = c->free_errno;
}

void *
counting_malloc(size_t sz)
{
	return count_malloc(&hook_counts, sz);
}

void *
counting_realloc(void *ptr, size_t sz)
{
	return count_realloc(&hook_counts, ptr, sz);
}

void
counting_free(void *ptr)
{
	count_free(&hook_counts, ptr);
}

void *
forwarding_malloc(size_t sz)
{
	return malloc(sz);
}

void *
forwarding_realloc(void *ptr, size_t sz)
{
	return realloc(ptr, sz);
}

void
forwarding_free(void *ptr)
{
	free(ptr);
}

#ifdef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
void
install_counting_hooks(void)
{
	memset(&hook_counts, 0, sizeof(hook_counts));
	event_set_mem_functions(counting_malloc, counting_realloc,
	    counting_free);
}

void
restore_libc(void)
{
	event_set_mem_functions(NULL, NULL, NULL);
}
#endif

#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
void *
counting_ctx_malloc(size_t sz, void *ctx)
{
	return count_malloc(ctx, sz);
}

void *
counting_ctx_realloc(void *ptr, size_t sz, void *ctx)
{
	return count_realloc(ctx, ptr, sz);
}

void *
counting_ctx_calloc(size_t count, size_t size, void *ctx)
{
	struct hook_counts *c = ctx;

	c->callocs++;
	c->last_calloc_count = count;
	c->last_calloc_size = size;
	if (c->fail)
		return refuse(c);
	return calloc(count, size);
}

void
counting_ctx_free(void *ptr, void *ctx)
{
	count_free(ctx, ptr);
}

void *
forwarding_ctx_malloc(size_t sz, void *ctx)
{
	(void)ctx;
	return malloc(sz);
}

void *
forwarding_ctx_realloc(void *ptr, size_t sz, void *ctx)
{
	(void)ctx;
	return realloc(ptr, sz);
}

void
forwarding_ctx_free(void *ptr, void *ctx)
{
	(void)ctx;
	free(ptr);
}

struct evmm_allocator
counting_allocator(struct hook_counts *c, unsigned flags)
{
	struct evmm_allocator a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = flags;
	a.malloc_fn = counting_ctx_malloc;
	a.realloc_fn = counting_ctx_realloc;
	a.free_fn = counting_ctx_free;
	a.calloc_fn = counting_ctx_calloc;
	a.ctx = c;
	return a;
}

struct evmm_allocator
forwarding_allocator(unsigned flags)
{
	struct evmm_allocator a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = flags;
	a.malloc_fn = forwarding_ctx_malloc;
	a.realloc_fn = forwarding_ctx_realloc;
	a.free_fn = forwarding_ctx_free;
	return a;
}
#endif
