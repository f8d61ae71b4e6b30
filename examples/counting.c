/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * counting: install a counting allocator, allocate through libevmm as a
 * dependent library would, and print what went through the allocator.
 *
 * Build it against an installed libevmm with
 *     cc -o counting counting.c $(pkg-config --cflags --libs evmm)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/evmm.h>

#ifdef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED

static unsigned long malloc_calls, realloc_calls, free_calls;
static size_t bytes_requested;

static void *
counting_malloc(size_t sz)
{
	malloc_calls++;
	bytes_requested += sz;
	return malloc(sz);
}

static void *
counting_realloc(void *ptr, size_t sz)
{
	realloc_calls++;
	bytes_requested += sz;
	return realloc(ptr, sz);
}

static void
counting_free(void *ptr)
{
	free_calls++;
	free(ptr);
}

/* What a library built on libevmm might do: a name, a table that grows. */
static int
work(void)
{
	char *name;
	int *table, *bigger;
	int ok = 0;

	name = event_mm_strdup_("libevmm example");
	table = event_mm_calloc_(16, sizeof(*table));
	if (name == NULL || table == NULL)
		goto done;
	table[15] = (int)strlen(name);
	bigger = event_mm_realloc_(table, 64 * sizeof(*table));
	if (bigger == NULL)
		goto done;
	table = bigger;
	ok = table[15] == (int)strlen(name);
done:
	event_mm_free_(table);
	event_mm_free_(name);
	return ok;
}

int
main(void)
{
	/* Before the first allocation: blocks must be freed by the
	 * allocator that made them. */
	event_set_mem_functions(counting_malloc, counting_realloc,
	    counting_free);

	if (!work()) {
		fprintf(stderr, "counting: out of memory\n");
		return EXIT_FAILURE;
	}
	printf("libevmm %s: %lu malloc, %lu realloc and %lu free calls "
	    "(%lu bytes requested) went through the counting allocator\n",
	    evmm_get_version(), malloc_calls, realloc_calls, free_calls,
	    (unsigned long)bytes_requested);
	return EXIT_SUCCESS;
}

#else /* !EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED */

int
main(void)
{
	printf("libevmm %s was configured with --disable-malloc-replacement: "
	    "allocations go straight to the C library and there is nothing "
	    "to count\n", evmm_get_version());
	return EXIT_SUCCESS;
}

#endif
