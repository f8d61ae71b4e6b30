/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * What ties the library's start-up (lib/init.c) to its entry points in a
 * static link.  Not installed.  Depends on nothing.
 *
 * A linker takes from a static archive only the members that define a
 * symbol something already taken needs, and nothing calls lib/init.c's
 * constructor by name: a program that calls only event_mm_*_() would get
 * lib/mm.c alone, and the environment would never be read.  So lib/mm.c
 * holds the address of evmm_init_linked_, which lib/init.c defines: the
 * object of the entry points needs it, and the linker takes lib/init.c,
 * and with it everything it starts.  Only the address is kept, in data
 * that no code reads, so no call pays for it.
 */
#ifndef EVMM_INIT_INTERNAL_H_INCLUDED_
#define EVMM_INIT_INTERNAL_H_INCLUDED_

#include "compiler-internal.h"

#ifdef EVMM_GNUC_
extern const char evmm_init_linked_;
#endif

#endif /* EVMM_INIT_INTERNAL_H_INCLUDED_ */
