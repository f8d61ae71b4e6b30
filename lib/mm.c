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
#include "instrument-internal.h"
#include "mm-internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* As given to event_set_mem_functions(): NULL means the C library's. */
static void *(*user_malloc_fn_)(size_t sz);
static void *(*user_realloc_fn_)(void *ptr, size_t sz);
static void (*user_free_fn_)(void *ptr);

/* What the entry points call.  NULL sends a call straight to the C
 * library; while fault injection or statistics are on, the C library's
 * functions stand in for the hooks the program did not set, so that every
 * call takes the hook path, where lib/instrument.c sees it. */
static void *(*mm_malloc_fn_)(size_t sz);
static void *(*mm_realloc_fn_)(void *ptr, size_t sz);
static void (*mm_free_fn_)(void *ptr);

void
evmm_mm_refresh_(void)
{
	int on = EVMM_LOAD_RELAXED(&evmm_instrumented_);

	mm_malloc_fn_ = user_malloc_fn_ != NULL || !on ? user_malloc_fn_ : malloc;
	mm_realloc_fn_ = user_realloc_fn_ != NULL || !on ?
	    user_realloc_fn_ : realloc;
	mm_free_fn_ = user_free_fn_ != NULL || !on ? user_free_fn_ : free;
}

int
evmm_mm_has_user_hooks_(void)
{
	return user_malloc_fn_ != NULL || user_realloc_fn_ != NULL ||
	    user_free_fn_ != NULL;
}

void
event_set_mem_functions(void *(*malloc_fn)(size_t sz),
    void *(*realloc_fn)(void *ptr, size_t sz),
    void (*free_fn)(void *ptr))
{
	user_malloc_fn_ = malloc_fn;
	user_realloc_fn_ = realloc_fn;
	user_free_fn_ = free_fn;
	evmm_mm_refresh_();
}

/* The hook path while instrumented: sz bytes from the malloc function,
 * unless a failure is to be injected. */
static void *
instrumented_malloc(enum evmm_entry entry, size_t sz, void *caller)
{
	void *p;

	if (evmm_instr_begin_(entry, sz, caller)) {
		errno = ENOMEM;
		return NULL;
	}
	p = mm_malloc_fn_(sz);
	evmm_instr_end_(entry, p, NULL, 0, sz);
	return p;
}

void *
event_mm_malloc_(size_t sz)
{
	if (sz == 0)
		return NULL;
	if (mm_malloc_fn_ != NULL) {
		if (EVMM_LOAD_RELAXED(&evmm_instrumented_))
			return instrumented_malloc(EVMM_ENTRY_MALLOC, sz,
			    EVMM_RETURN_ADDRESS());
		return mm_malloc_fn_(sz);
	}
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
		if (EVMM_LOAD_RELAXED(&evmm_instrumented_))
			p = instrumented_malloc(EVMM_ENTRY_CALLOC,
			    count * size, EVMM_RETURN_ADDRESS());
		else
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
	if (EVMM_LOAD_RELAXED(&evmm_instrumented_))
		p = instrumented_malloc(EVMM_ENTRY_STRDUP, len + 1,
		    EVMM_RETURN_ADDRESS());
	else
		p = mm_malloc_fn_(len + 1);
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	return memcpy(p, str, len + 1);
}

static void *
instrumented_realloc(void *ptr, size_t sz, void *caller)
{
	size_t old_size;
	void *p;

	if (evmm_instr_begin_(EVMM_ENTRY_REALLOC, sz, caller)) {
		errno = ENOMEM;
		return NULL;
	}
	old_size = ptr != NULL ? evmm_instr_block_size_(ptr) : 0;
	p = mm_realloc_fn_(ptr, sz);
	evmm_instr_end_(EVMM_ENTRY_REALLOC, p, ptr, old_size, sz);
	return p;
}

void *
event_mm_realloc_(void *ptr, size_t sz)
{
	if (mm_realloc_fn_ != NULL) {
		if (EVMM_LOAD_RELAXED(&evmm_instrumented_))
			return instrumented_realloc(ptr, sz,
			    EVMM_RETURN_ADDRESS());
		return mm_realloc_fn_(ptr, sz);
	}
	return realloc(ptr, sz);
}

void
event_mm_free_(void *ptr)
{
	if (mm_free_fn_ != NULL) {
		if (EVMM_LOAD_RELAXED(&evmm_instrumented_))
			evmm_instr_free_(ptr);
		mm_free_fn_(ptr);
	} else {
		free(ptr);
	}
}
