/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
#include "config.h"

#include "event2/evmm.h"

const char *
evmm_get_version(void)
{
	return EVMM_VERSION;
}

unsigned long
evmm_get_version_number(void)
{
	return EVMM_NUMERIC_VERSION;
}
