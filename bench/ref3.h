/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/* bench/ref3.c: libevent-style dispatch through three static pointers. */
#ifndef EVMM_BENCH_REF3_H_INCLUDED_
#define EVMM_BENCH_REF3_H_INCLUDED_

#include <stddef.h>

#include <event2/visibility.h>

EVENT2_EXPORT_SYMBOL
void ref3_set_mem_functions(void *(*malloc_fn)(size_t sz),
    void *(*realloc_fn)(void *ptr, size_t sz), void (*free_fn)(void *ptr));
EVENT2_EXPORT_SYMBOL
void *ref3_malloc(size_t sz);
EVENT2_EXPORT_SYMBOL
void *ref3_realloc(void *ptr, size_t sz);
EVENT2_EXPORT_SYMBOL
void ref3_free(void *ptr);

#endif /* EVMM_BENCH_REF3_H_INCLUDED_ */
