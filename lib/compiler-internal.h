/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * What the library asks of the compiler beyond C99, each asked once.
 * Not installed.  Depends on nothing.
 *
 * EVMM_GNUC_ is defined where the compiler speaks GCC's dialect (GCC,
 * clang): constructors and destructors, the __atomic builtins,
 * attributes and inline assembly.  Elsewhere the library still builds
 * and its API works, but nothing runs when it is loaded: the
 * environment is not read and no call site is listed.
 */
#ifndef EVMM_COMPILER_INTERNAL_H_INCLUDED_
#define EVMM_COMPILER_INTERNAL_H_INCLUDED_

#if defined(__GNUC__) || defined(__clang__)
#define EVMM_GNUC_ 1
#endif

#ifdef EVMM_GNUC_
/* The address the current function will return to. */
#define EVMM_RETURN_ADDRESS()	__builtin_return_address(0)
/* Inline even where the compiler would rather not: the hot paths. */
#define EVMM_HOT_		__attribute__((always_inline)) inline
#else
#define EVMM_RETURN_ADDRESS()	NULL
#define EVMM_HOT_		inline
#endif

#if defined(EVMM_GNUC_) && defined(__ELF__)
/* Reached without the GOT: the symbol is in the library itself. */
#define EVMM_INTERNAL_ __attribute__((visibility("hidden")))
#else
#define EVMM_INTERNAL_
#endif

#endif /* EVMM_COMPILER_INTERNAL_H_INCLUDED_ */
