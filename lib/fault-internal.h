/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Fault injection's state (lib/fault.c): which allocations fail, their
 * numbering, and the first failure.  Not installed.
 */
#ifndef EVMM_FAULT_INTERNAL_H_INCLUDED_
#define EVMM_FAULT_INTERNAL_H_INCLUDED_

#include <stddef.h>
#include <stdint.h>

#include "parse-internal.h"
#include "stats-internal.h"

/* What evmm_fault_inject_() did: nothing, or failed the allocation, or
 * failed it as the first failure since the fault was set. */
enum evmm_injected {
	EVMM_INJECTED_NONE,
	EVMM_INJECTED,
	EVMM_INJECTED_FIRST
};

/* Number an allocation of @p sz bytes made by @p entry for @p caller,
 * and say whether it must fail; a failure is counted.  Allocations are
 * numbered in one order across threads, so this is one shared counter:
 * it cannot be split per thread. */
enum evmm_injected evmm_fault_inject_(enum evmm_entry entry, size_t sz,
    void *caller);
/* Whether allocations are numbered, so the fault table must be in front:
 * while a fault is set, or sites are listed, or with process keys while
 * EVMM_FAULT is set, even in the processes it does not fail. */
int evmm_fault_numbered_(void);
/* Allocations numbered since the fault was set. */
uint64_t evmm_fault_allocations_(void);

/* evmm_fault_set(): the program's own choice, in this process and its
 * children. */
void evmm_fault_set_by_program_(const struct evmm_fault_spec *f);
/* EVMM_SITES: number allocations, failing none, so that sites are
 * entered with their numbers. */
void evmm_fault_number_only_(void);
/* EVMM_FAULT_PROCESS: the process key whose process EVMM_FAULT fails;
 * -1 if it is too long to be a key, and then no process is failed. */
int evmm_fault_aim_(const char *process);
/* Whether EVMM_FAULT_PROCESS named a process. */
int evmm_fault_aimed_(void);
/* EVMM_FAULT, when processes have keys: fail what @p f says in the
 * process EVMM_FAULT_PROCESS names (in every one if it is unset), in
 * this process and its children made by fork(); number the allocations
 * of the others. */
void evmm_fault_set_by_environment_(const struct evmm_fault_spec *f);
/* In a child made by fork() that took a process key: number from 1, and
 * fail what EVMM_FAULT aims at it. */
void evmm_fault_forked_(void);

#endif /* EVMM_FAULT_INTERNAL_H_INCLUDED_ */
