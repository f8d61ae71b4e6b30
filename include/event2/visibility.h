/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/**
 * @file event2/visibility.h
 *
 * EVENT2_EXPORT_SYMBOL marks what libevmm exports.
 *
 * The library is compiled with hidden default visibility, so a function
 * without this mark stays private to it.  When the library itself is being
 * compiled (EVMM_BUILDING_LIBRARY) the mark exports the symbol: the
 * GCC/clang visibility attribute, Sun Studio's __global, or
 * __declspec(dllexport) for a Windows DLL.  For a program that includes
 * the headers it expands to nothing, except on Windows, where it is
 * __declspec(dllimport) unless the program defines EVMM_STATIC because it
 * links the static library.
 */
#ifndef EVENT2_VISIBILITY_H_INCLUDED_
#define EVENT2_VISIBILITY_H_INCLUDED_

#if defined(_WIN32) || defined(__CYGWIN__)
# if defined(EVMM_BUILDING_LIBRARY) && defined(DLL_EXPORT)
   /* libtool defines DLL_EXPORT while it compiles the DLL's objects. */
#  define EVENT2_EXPORT_SYMBOL __declspec(dllexport)
# elif defined(EVMM_BUILDING_LIBRARY) || defined(EVMM_STATIC)
#  define EVENT2_EXPORT_SYMBOL
# else
#  define EVENT2_EXPORT_SYMBOL __declspec(dllimport)
# endif
#elif defined(EVMM_BUILDING_LIBRARY)
# if defined(__SUNPRO_C) && __SUNPRO_C >= 0x550
#  define EVENT2_EXPORT_SYMBOL __global
# elif defined(__GNUC__) && __GNUC__ >= 4
#  define EVENT2_EXPORT_SYMBOL __attribute__((visibility("default")))
# else
#  define EVENT2_EXPORT_SYMBOL
# endif
#else
# define EVENT2_EXPORT_SYMBOL
#endif

#endif /* EVENT2_VISIBILITY_H_INCLUDED_ */
