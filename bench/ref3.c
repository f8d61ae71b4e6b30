/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The reference for bench/: dispatch through three plain static
 * pointers, the way libevent's event_mm_malloc_() and event_mm_free_()
 * do, built as a shared library of its own with libevmm's flags.  Not
 * installed; only its malloc and free paths are measured.
 */
#include "config.h"

#include <stdlib.h>

#include "bench/ref3.h"

static void *(*ref3_malloc_fn_)(size_t sz);
static void *(*ref3_realloc_fn_)(void *ptr, size_t sz);
static void (*ref3_free_fn_)(void *ptr);

void
ref3_set_mem_functions(void *(*malloc_fn)(size_t sz),
    void *(*realloc_fn)(void *ptr, size_t sz), void (*free_fn)(void *ptr))
{
	ref3_malloc_fn_ = malloc_fn;
	ref3_realloc_fn_ = realloc_fn;
	ref3_free_fn_ = free_fn;
}

void *
ref3_malloc(size_t sz)
{
	if (sz == 0)
		return NULL;
	if (ref3_malloc_fn_ != NULL)
		return ref3_malloc_fn_(sz);
	return malloc(sz);
}

void *
ref3_realloc(void *ptr, size_t sz)
{
	if (ref3_realloc_fn_ != NULL)
		return ref3_realloc_fn_(ptr, sz);
	return realloc(ptr, sz);
}

void
ref3_free(void *ptr)
{
	if (ref3_free_fn_ != NULL)
		ref3_free_fn_(ptr);
	else
		free(ptr);
}
