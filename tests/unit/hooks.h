/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Allocation hooks for the tests, written once.  Counting hooks forward to
 * the C library, record what they were asked in a struct hook_counts, and
 * fail on request; forwarding hooks only forward, for threads that
 * allocate at once (the counts are plain ints).  Each comes in the classic
 * setter's shape (no context; counts go to hook_counts) and, in the
 * default variant, in evmm_set_allocator()'s shape (counts go to ctx).
 */
#ifndef EVMM_TESTS_HOOKS_H_INCLUDED_
#define EVMM_TESTS_HOOKS_H_INCLUDED_

#include <stddef.h>

#include <event2/event.h>
#include <event2/evmm.h>

/* A counting malloc fills each block with this, so that a missing zero
 * fill or copy shows. */
enum { HOOK_FILL_BYTE = 0xA5 };

/* What the counting hooks were asked, and how they answer. */
struct hook_counts {
	int mallocs, reallocs, callocs, frees;
	size_t last_malloc_size, last_realloc_size;
	size_t last_calloc_count, last_calloc_size;
	void *last_realloc_ptr, *last_free_ptr;
	int fail;		/* malloc, realloc and calloc return NULL */
	int fail_errno;		/* when non-zero, a failing hook sets errno */
	int free_errno;		/* when non-zero, free sets errno to it */
};

/* Where the classic counting hooks count. */
extern struct hook_counts hook_counts;

void *counting_malloc(size_t sz);
void *counting_realloc(void *ptr, size_t sz);
void counting_free(void *ptr);

void *forwarding_malloc(size_t sz);
void *forwarding_realloc(void *ptr, size_t sz);
void forwarding_free(void *ptr);

#ifdef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
/* Zero hook_counts and install the classic counting hooks. */
void install_counting_hooks(void);
/* Give the allocator back to the C library; a fixture's teardown. */
void restore_libc(void);
#endif

#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
void *counting_ctx_malloc(size_t sz, void *ctx);
void *counting_ctx_realloc(void *ptr, size_t sz, void *ctx);
void *counting_ctx_calloc(size_t count, size_t size, void *ctx);
void counting_ctx_free(void *ptr, void *ctx);

void *forwarding_ctx_malloc(size_t sz, void *ctx);
void *forwarding_ctx_realloc(void *ptr, size_t sz, void *ctx);
void forwarding_ctx_free(void *ptr, void *ctx);

/* An allocator of the counting hooks (calloc too) counting into @p c. */
struct evmm_allocator counting_allocator(struct hook_counts *c,
    unsigned flags);
/* An allocator of the forwarding hooks, without calloc. */
struct evmm_allocator forwarding_allocator(unsigned flags);
#endif

#endif /* EVMM_TESTS_HOOKS_H_INCLUDED_ */
