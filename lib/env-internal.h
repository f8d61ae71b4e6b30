/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Reading the environment (lib/env.c).  Not installed.
 */
#ifndef EVMM_ENV_INTERNAL_H_INCLUDED_
#define EVMM_ENV_INTERNAL_H_INCLUDED_

/* Read the EVMM_* variables and apply each, unless the process is
 * privileged; refuse what is wrong with a message on standard error.
 * Called once, from the constructor (lib/init.c). */
void evmm_env_apply_(void);

#endif /* EVMM_ENV_INTERNAL_H_INCLUDED_ */
