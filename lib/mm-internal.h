/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The library's own code allocates through the short mm_* names, as
 * libevent's does; the names themselves are defined once, in
 * event2/evmm.h, where dependents can ask for them too.  Not installed.
 */
#ifndef EVMM_MM_INTERNAL_H_INCLUDED_
#define EVMM_MM_INTERNAL_H_INCLUDED_

#ifndef EVMM_SHORT_NAMES
#define EVMM_SHORT_NAMES 1
#endif
#include "event2/evmm.h"

#endif /* EVMM_MM_INTERNAL_H_INCLUDED_ */
