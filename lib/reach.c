/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Whether the calls to event_mm_*_ in the process reach this library.
 * Fault injection and statistics watch only the calls that do; when the
 * program's event_mm_malloc_ is another object's (libevent linked before
 * libevmm brings its own), none does, and both would see nothing in
 * silence.  Asked by lib/front.c (evmm_fault_set() refuses,
 * evmm_stats_enable() says so) and lib/env.c (the variables say so).
 * Depends on lib/text.c for the message.
 */
#include "config.h"

#ifdef HAVE_DLFCN_H
#include <dlfcn.h>
#endif

#include "atomic-internal.h"
#include "reach-internal.h"
#include "text-internal.h"

#if defined(HAVE_DLSYM) && defined(HAVE_DLADDR) && defined(RTLD_DEFAULT)
#define EVMM_CAN_TELL_ 1

/* Set by the first message, so that there is one per process. */
static int warned;

/* What evmm_reach_look_() found: whether the calls go elsewhere, and the
 * two objects' names for the message.  Looked up once, at load:
 * dlsym() and dladdr() take the loader's lock, which a child made by
 * fork() in a threaded program may find held for ever, and which
 * symbol event_mm_malloc_ resolves to is settled by then. */
static int looked, elsewhere;
static const char *our_name, *their_name;

void
evmm_reach_look_(void)
{
	/* The symbol's own address cannot tell, since inside the library
	 * it resolves as it does outside; the objects that hold it and a
	 * variable of the library's can.  No definition in the dynamic
	 * symbol table (a program that holds the library and exports
	 * nothing) is ours. */
	void *sym;
	Dl_info ours, theirs;

	if (looked)
		return;
	sym = dlsym(RTLD_DEFAULT, "event_mm_malloc_");
	elsewhere = sym != NULL && dladdr(&warned, &ours) != 0 &&
	    dladdr(sym, &theirs) != 0 && ours.dli_fbase != theirs.dli_fbase;
	if (elsewhere) {
		our_name = ours.dli_fname;
		their_name = theirs.dli_fname;
	}
	looked = 1;
}
#else
void
evmm_reach_look_(void)
{
}
#endif

int
evmm_reach_elsewhere_(void)
{
#ifdef EVMM_CAN_TELL_
	evmm_reach_look_();
	return elsewhere;
#else
	return 0;
#endif
}

void
evmm_reach_warn_(void)
{
#ifdef EVMM_CAN_TELL_
	struct evmm_text t;
	const char *name;

	if (!evmm_reach_elsewhere_() || EVMM_LOAD_RELAXED(&warned) ||
	    EVMM_EXCHANGE_ACQ_REL(&warned, 1))
		return;
	name = our_name != NULL ? our_name : "libevmm";
	t.len = 0;
	evmm_text_str_(&t, "libevmm: fault injection and statistics see "
	    "only the calls that reach ");
	evmm_text_escaped_(&t, name);
	evmm_text_str_(&t, ", but event_mm_malloc_ resolves to ");
	evmm_text_escaped_(&t, their_name != NULL && *their_name != '\0' ?
	    their_name : "the program");
	evmm_text_str_(&t, ", so they see none: link with -levmm before "
	    "-levent, or preload libevmm (LD_PRELOAD=");
	evmm_text_escaped_(&t, our_name != NULL ? our_name : "libevmm.so");
	evmm_text_str_(&t, ", or evmm-torture --preload)\n");
	evmm_text_stderr_(&t);
#endif
}
