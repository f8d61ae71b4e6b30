/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/**
 * @file event2/evmm.h
 *
 * Allocating through libevmm, and asking which libevmm is loaded.
 *
 * A library that wants its allocations to follow the allocator a program
 * installed with event_set_mem_functions() calls the event_mm_*_
 * functions declared here instead of malloc() and friends.  Their names
 * and behaviour are libevent's.
 *
 * The short names mm_malloc(), mm_calloc(), mm_strdup(), mm_realloc() and
 * mm_free() are defined only for code that defines EVMM_SHORT_NAMES before
 * including this header, because names that short clash with other
 * libraries.  In the default build they call the event_mm_*_ functions; in
 * a build configured with --disable-malloc-replacement they are the C
 * library's malloc(), calloc(), strdup(), realloc() and free(), and the
 * event_mm_*_ functions do not exist.  (strdup() is POSIX: a program
 * compiled in a strict ISO C mode must request it, for instance by defining
 * _POSIX_C_SOURCE to 200809L, to use mm_strdup() in that variant.)
 */
#ifndef EVENT2_EVMM_H_INCLUDED_
#define EVENT2_EVMM_H_INCLUDED_

#include <stddef.h>

#include <event2/evmm_config.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The version of these headers, as a string such as "1.2.3". */
#define EVMM_VERSION EVENT__EVMM_VERSION

/** The version of these headers as a number, 0xMMmmpp00: 1.2.3 is
 * 0x01020300, so versions compare with < and >.  Everything declared in
 * libevmm's headers is in 1.0.0; what a later version adds is marked
 * "Since X.Y.Z" here and in the manual pages, and code that must build
 * against older headers tests for it: #if EVMM_NUMERIC_VERSION >=
 * 0x01010000 for what 1.1.0 adds. */
#define EVMM_NUMERIC_VERSION EVENT__EVMM_NUMERIC_VERSION

/**
 * The version of the libevmm library loaded at run time, which may differ
 * from EVMM_VERSION, the version the program was compiled against.
 *
 * May be called at any time, from any thread, and from a signal handler
 * (it is async-signal-safe).
 *
 * @return a static string such as "1.2.3"; never NULL.  errno is unchanged.
 */
EVENT2_EXPORT_SYMBOL
const char *evmm_get_version(void);

/**
 * The version of the libevmm library loaded at run time, as a number in
 * the layout of EVMM_NUMERIC_VERSION.
 *
 * May be called at any time, from any thread, and from a signal handler
 * (it is async-signal-safe).
 *
 * @return 0xMMmmpp00 for version MM.mm.pp.  errno is unchanged.
 */
EVENT2_EXPORT_SYMBOL
unsigned long evmm_get_version_number(void);

#ifndef EVENT__EVMM_DISABLE_MM_REPLACEMENT

/*
 * Signals and hooks, for all five event_mm_*_ functions: each calls the
 * installed hook and nothing else that could take a lock, so it is exactly
 * as async-signal-safe as that hook (the C library's malloc() family is
 * not).  While fault injection or the statistics are on, each also
 * counts, and a thread's first counted call registers the thread under
 * a lock, which is not async-signal-safe; while EVMM_REPORT is set, the
 * first injected failure also writes the report, naming its caller with
 * dladdr(), which is not async-signal-safe either.
 *
 * A hook must not call the event_mm_*_ functions itself,
 * directly or through code that allocates through libevmm: what happens
 * then is undefined (usually endless recursion, which optimised builds
 * turn into a loop).  libevmm does not detect it, because telling a
 * re-entrant call from a concurrent one would cost every call a
 * thread-local access.
 */

/**
 * Allocate @p sz bytes with the installed malloc function, or malloc().
 *
 * May be called at any time; with a replacement allocator, only after
 * event_set_mem_functions() has installed it.  Async-signal-safe exactly
 * when the hook is; the hook must not call back into libevmm.
 *
 * @param sz  the number of bytes
 * @return the block, to be released with event_mm_free_(); or NULL: when
 *   @p sz is 0 (errno unchanged, no allocator called), or when the
 *   allocator fails (errno as the allocator left it, ENOMEM for malloc()).
 */
EVENT2_EXPORT_SYMBOL
void *event_mm_malloc_(size_t sz);

/**
 * Allocate a zero-filled array of @p count elements of @p size bytes.
 *
 * The product is checked for overflow before any allocator runs.  With a
 * replacement allocator the block comes from its malloc function and is
 * then zero-filled; otherwise it comes from calloc().  Async-signal-safe
 * exactly when the hook is; the hook must not call back into libevmm.
 *
 * @param count  the number of elements
 * @param size   the size of one element, in bytes
 * @return the block, to be released with event_mm_free_(); or NULL: when
 *   @p count or @p size is 0 (errno unchanged, no allocator called), with
 *   errno set to ENOMEM when @p count * @p size overflows a size_t or the
 *   allocator fails.
 */
EVENT2_EXPORT_SYMBOL
void *event_mm_calloc_(size_t count, size_t size);

/**
 * Copy a NUL-terminated string into a new block.
 *
 * With a replacement allocator the copy is made in a block of
 * strlen(@p str) + 1 bytes from its malloc function; otherwise strdup()
 * makes it.  Async-signal-safe exactly when the hook is; the hook must not
 * call back into libevmm.
 *
 * @param str  the string to copy
 * @return the copy, to be released with event_mm_free_(); or NULL with
 *   errno set to EINVAL when @p str is NULL, or to ENOMEM when the
 *   allocator fails.
 */
EVENT2_EXPORT_SYMBOL
char *event_mm_strdup_(const char *str);

/**
 * Resize a block with the installed realloc function, or realloc().
 *
 * The arguments are passed on unchanged, so a NULL @p ptr and a zero
 * @p sz mean what they mean to that function.  Async-signal-safe exactly
 * when the hook is; the hook must not call back into libevmm.
 *
 * @param ptr  a block from the event_mm_*_ functions, or NULL
 * @param sz   the new size, in bytes
 * @return what the realloc function returns; errno as it leaves it.
 */
EVENT2_EXPORT_SYMBOL
void *event_mm_realloc_(void *ptr, size_t sz);

/**
 * Release a block with the installed free function, or free().
 *
 * @p ptr is passed on unchanged, NULL included.  Async-signal-safe
 * exactly when the hook is; the hook must not call back into libevmm.
 *
 * @param ptr  a block from the event_mm_*_ functions, or NULL
 */
EVENT2_EXPORT_SYMBOL
void event_mm_free_(void *ptr);

/**
 * Defined when evmm_set_allocator() and evmm_get_allocator() exist, that
 * is, when libevmm was not configured with --disable-malloc-replacement.
 */
#define EVMM_SET_ALLOCATOR_IMPLEMENTED

/**
 * A flag for struct evmm_allocator: the new allocator forwards every
 * block to the allocator installed before it (a counting or tracing
 * wrapper built on what evmm_get_allocator() returned), so it can free
 * blocks that allocator made, and evmm_set_allocator() accepts it even
 * after allocations have been made.  libevmm records which allocator it
 * wraps, so that installing that one again removes the wrapper.
 */
#define EVMM_ALLOCATOR_WRAPS 0x1u

/**
 * A flag for struct evmm_allocator: @c free_fn leaves errno as it found
 * it (as free() must under POSIX.1-2024, and glibc's does since 2.33), so
 * libevmm need not save and restore errno around it, which is about half
 * the cost of calling a hook.
 */
#define EVMM_ALLOCATOR_FREE_KEEPS_ERRNO 0x2u

/**
 * How many distinct allocators evmm_set_allocator() can install over the
 * life of a process: allocators differ in their hooks, context or
 * EVMM_ALLOCATOR_FREE_KEEPS_ERRNO.  Installing one again is free.
 */
#define EVMM_ALLOCATORS_MAX 64

/**
 * The largest @c size evmm_set_allocator() and evmm_get_allocator()
 * accept, in bytes: room for any later version of struct
 * evmm_allocator, and a bound on how far libevmm reads or writes through
 * the pointer it is given.  A larger size is refused with EINVAL.
 */
#define EVMM_ALLOCATOR_SIZE_MAX 4096

/**
 * An allocator for evmm_set_allocator(), and what evmm_get_allocator()
 * reports.
 *
 * Set @c size to sizeof(struct evmm_allocator) and zero every field that
 * is not used, for instance with memset() or a designated initializer:
 * later versions may add fields at the end, and a program compiled against
 * this version keeps working with them.
 *
 * Every hook receives @c ctx as its last argument.  The hooks follow the C
 * library's contract: @c malloc_fn is never asked for 0 bytes and returns
 * NULL when it fails; @c realloc_fn receives NULL pointers and zero sizes
 * as the caller of event_mm_realloc_() passed them; @c free_fn receives
 * NULL too; @c calloc_fn receives a count and a size that are both
 * non-zero and whose product fits in a size_t, and returns a zero-filled
 * block or NULL.  Hooks may be called from any thread at once.  A hook
 * must not call the event_mm_*_ functions, directly or through code that
 * allocates through libevmm: that is undefined (see above).
 */
struct evmm_allocator {
	/** sizeof(struct evmm_allocator), as the caller was compiled; at
	 * most EVMM_ALLOCATOR_SIZE_MAX. */
	size_t size;
	/** 0, or EVMM_ALLOCATOR_WRAPS and EVMM_ALLOCATOR_FREE_KEEPS_ERRNO
	 * or'ed together. */
	unsigned flags;
	/** Replacement for malloc(); required unless all hooks are NULL. */
	void *(*malloc_fn)(size_t sz, void *ctx);
	/** Replacement for realloc(); required unless all hooks are NULL. */
	void *(*realloc_fn)(void *ptr, size_t sz, void *ctx);
	/** Replacement for free(); required unless all hooks are NULL. */
	void (*free_fn)(void *ptr, void *ctx);
	/** Optional replacement for calloc(); when NULL, event_mm_calloc_()
	 * zero-fills a block from @c malloc_fn. */
	void *(*calloc_fn)(size_t count, size_t size, void *ctx);
	/** Handed to every hook as its last argument; libevmm never reads
	 * through it. */
	void *ctx;
	/** Optional: the usable size of a block this allocator made (at
	 * least what was asked for), as malloc_usable_size() gives it for
	 * the C library's.  Called only with blocks the allocator made and
	 * has not freed, and only while statistics or fault injection are
	 * on; the statistics then count bytes (see evmm_stats_get()), and
	 * when it is NULL they count blocks only.  It must not allocate
	 * through libevmm.  The struct may end before it: a @c size of
	 * offsetof(struct evmm_allocator, size_fn), which ends at @c ctx,
	 * describes an allocator without this hook. */
	size_t (*size_fn)(void *ptr, void *ctx);
};

/**
 * Replace the allocator, checking that the replacement is whole and safe.
 *
 * Unlike event_set_mem_functions(), it refuses what would corrupt the
 * heap, and it takes an optional calloc hook and a context pointer.
 *
 * The rule for live blocks: a replacement is accepted while the allocator
 * it replaces has not yet returned a block, counting from the start of the
 * program for the C library and from its installation for any other
 * (every event_mm_malloc_(), event_mm_calloc_(), event_mm_strdup_() and
 * event_mm_realloc_() call that reaches the allocator counts, whether or
 * not it succeeds; event_mm_free_() and zero sizes do not); an allocator
 * installed while live blocks may exist inherits them, and so counts as
 * having returned one.  A replacement with EVMM_ALLOCATOR_WRAPS in
 * @c flags is always accepted: it declares that it forwards to the
 * allocator it replaces.  And the allocator that the installed wrapper
 * wraps is accepted in its place (unwrapping), since every block the
 * wrapper made is that allocator's; that one then wraps what it wrapped
 * before, if anything, so a chain of wrappers comes off in the reverse
 * order of going on, and out of order is refused.  What
 * evmm_get_allocator() reported may be passed back as it is: for the C
 * library or hooks installed with event_set_mem_functions(), that
 * installs them again, so a wrapper built on them comes off too.  In
 * short, call it
 * before the program's first allocation through libevmm, or install only
 * wrappers and remove them in reverse order.
 *
 * It may be called from any thread at any time, also while other threads
 * allocate: every event_mm_*_() call uses the hooks of exactly one
 * installed allocator, the one before this call or the one after it.
 * errno is the same after event_mm_free_() as before it, whatever
 * @c free_fn does to it, unless @c flags has
 * EVMM_ALLOCATOR_FREE_KEEPS_ERRNO.
 *
 * The description is copied; @p a need not outlive the call.
 * libevmm keeps every distinct allocator installed, because another thread
 * may still be using it: up to EVMM_ALLOCATORS_MAX of them.
 *
 * A child made by fork() may call it at once, whatever the parent's other
 * threads were doing (where the C library has pthread_atfork(), which
 * libevmm uses).  It is not async-signal-safe: it takes a lock that the
 * interrupted thread may hold, and may call malloc().
 *
 * @param a  the new allocator; NULL, or a description whose four hooks are
 *   all NULL, restores the C library (subject to the same rule).
 * @return 0 on success, errno unchanged.  -1 with errno set, and nothing
 *   changed: EINVAL when @p a->size is neither the size that ends
 *   at @c ctx nor at least this version's, when it is larger than
 *   EVMM_ALLOCATOR_SIZE_MAX, when a longer struct sets fields this
 *   version does not know, when @c flags has unknown bits, or when some
 *   but not all of @c malloc_fn, @c realloc_fn and @c free_fn are given
 *   (or only @c calloc_fn or @c size_fn are), or when a hook is one that
 *   evmm_get_allocator() reports for the C library or classic hooks and
 *   @c ctx is not a context it reported with them, or one without the
 *   function that hook calls (libevmm compares @c ctx with its own
 *   tables' addresses, and never reads through a pointer it did not
 *   make);
 *   EBUSY when the rule for live blocks refuses the replacement (among
 *   them, an allocator other than the one the installed wrapper wraps);
 *   ENOMEM when EVMM_ALLOCATORS_MAX other allocators have been installed
 *   already, or no memory could be had to record a new one.
 */
EVENT2_EXPORT_SYMBOL
int evmm_set_allocator(const struct evmm_allocator *a);

/**
 * Read back the allocator installed now, so that a wrapper can forward to
 * it.
 *
 * For an allocator installed with evmm_set_allocator(), the hooks and
 * context it was given.  For the C library or hooks installed with
 * event_set_mem_functions(), functions of libevmm's own that call them,
 * with a context they need: call each hook with the @c ctx reported.
 * Either way the result can be called from any thread for as long as the
 * program runs, and @c calloc_fn and @c size_fn are NULL when the
 * allocator has none (the C library's @c size_fn is malloc_usable_size()
 * where the C library has it; classic hooks have none).
 * @c flags has EVMM_ALLOCATOR_FREE_KEEPS_ERRNO if the allocator was
 * installed with it, and no other flag.
 *
 * May be called at any time, from any thread, also in a child just made
 * by fork(), and from a signal handler: it takes no lock and calls
 * nothing (it is async-signal-safe).
 *
 * @param a  where to write; set @c a->size first, as for
 *   evmm_set_allocator().  Fields this version does not know are zeroed;
 *   a struct whose size ends at @c ctx gets the fields up to it.
 * @return 0, with @c a->size set to the size written (the smaller of the
 *   caller's and this version's); or -1 with errno set to EINVAL when
 *   @p a is NULL, or @c a->size is neither the size that ends at @c ctx
 *   nor at least this version's, or is larger than EVMM_ALLOCATOR_SIZE_MAX (nothing is
 *   written then).
 */
EVENT2_EXPORT_SYMBOL
int evmm_get_allocator(struct evmm_allocator *a);

#endif /* !EVENT__EVMM_DISABLE_MM_REPLACEMENT */

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVMM_H_INCLUDED_ */

/* Outside the include guard, so that a file can ask for the short names
 * after something else has included this header without them. */
#if defined(EVMM_SHORT_NAMES) && !defined(EVMM_SHORT_NAMES_DEFINED_)
#define EVMM_SHORT_NAMES_DEFINED_
#ifndef EVENT__EVMM_DISABLE_MM_REPLACEMENT
#define mm_malloc(sz)		event_mm_malloc_(sz)
#define mm_calloc(count, size)	event_mm_calloc_((count), (size))
#define mm_strdup(str)		event_mm_strdup_(str)
#define mm_realloc(ptr, sz)	event_mm_realloc_((ptr), (sz))
#define mm_free(ptr)		event_mm_free_(ptr)
#else
#include <stdlib.h>
#include <string.h>
#define mm_malloc(sz)		malloc(sz)
#define mm_calloc(count, size)	calloc((count), (size))
#define mm_strdup(str)		strdup(str)
#define mm_realloc(ptr, sz)	realloc((ptr), (sz))
#define mm_free(ptr)		free(ptr)
#endif
#endif /* EVMM_SHORT_NAMES */
