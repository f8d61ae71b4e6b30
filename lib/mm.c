/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The replaceable allocator: libevent's contract, function by function.
 * Built only without --disable-malloc-replacement; in that variant the
 * mm_* names are the C library's functions and nothing here exists.
 */
#include "config.h"

#include "event2/event.h"
#include "mm-internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* NULL means the C library's function for that role. */
static void *(*mm_malloc_fn_)(size_t sz);
static void *(*mm_realloc_fn_)(void *ptr, size_t sz);
static void (*mm_free_fn_)(void *ptr);

void
event_set_mem_functions(void *(*malloc_fn)(size_t sz),
    void *(*realloc_fn)(void *ptr, size_t sz),
    void (*free_fn)(void *ptr))
{
	mm_malloc_fn_ = malloc_fn;
	mm_realloc_fn_ = realloc_fn;
	mm_free_fn_ = free_fn;
}

void *
event_mm_malloc_(size_t sz)
{
	if (sz == 0)
		return NULL;
	if (mm_malloc_fn_ != NULL)
		return mm_malloc_fn_(sz);
	return malloc(sz);
}

void *
event_mm_calloc_(size_t count, size_t size)
{
	void *p;

	if (count == 0 || size == 0)
		return NULL;
	/* Checked here, not left to calloc(), so that a hook never sees a
	 * product that wrapped around. */
	if (count > SIZE_MAX / size)
		goto fail;
	if (mm_malloc_fn_ != NULL) {
		p = mm_malloc_fn_(count * size);
		if (p == NULL)
			goto fail;
		return memset(p, 0, count * size);
	}
	p = calloc(count, size);
	/* Not every C library's calloc() sets errno (Windows' does not). */
	if (p == NULL)
		goto fail;
	return p;
fail:
	errno = ENOMEM;
	return NULL;
}

char *
event_mm_strdup_(const char *str)
{
	size_t len;
	char *p;

	if (str == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (mm_malloc_fn_ == NULL) {
		p = strdup(str);
		if (p == NULL)
			errno = ENOMEM;
		return p;
	}
	/* len + 1 cannot wrap: a string of SIZE_MAX characters and its NUL
	 * would not fit in the address space. */
	len = strlen(str);
	p = mm_malloc_fn_(len + 1);
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	return memcpy(p, str, len + 1);
}

void *
event_mm_realloc_(void *ptr, size_t sz)
{
	if (mm_realloc_fn_ != NULL)
		return mm_realloc_fn_(ptr, sz);
	return realloc(ptr, sz);
}

void
event_mm_free_(void *ptr)
{
	if (mm_free_fn_ != NULL)
		mm_free_fn_(ptr);
	else
		free(ptr);
}
