/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-peer-openssl: OpenSSL 3's allocator dispatch, measured by
 * bench/driver.c as libevmm is.  The loops call OPENSSL_malloc(),
 * OPENSSL_realloc() and OPENSSL_free(), as OpenSSL's users and OpenSSL
 * itself do: CRYPTO_malloc(), CRYPTO_realloc() and CRYPTO_free() with
 * the caller's file and line.  Modes: libc, openssl (nothing installed),
 * openssl-hook (forwarding hooks installed with
 * CRYPTO_set_mem_functions(), which refuses once libcrypto has
 * allocated).  "version" prints the version of the libcrypto loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "bench/driver.h"

BENCH_LOOPS(loop_openssl, OPENSSL_malloc, OPENSSL_realloc, OPENSSL_free);

/* The forwarding hooks of bench/driver.c, with OpenSSL's arguments. */
static void *
fwd_ossl_malloc(size_t sz, const char *file, int line)
{
	(void)file;
	(void)line;
	return malloc(sz);
}

static void *
fwd_ossl_realloc(void *ptr, size_t sz, const char *file, int line)
{
	(void)file;
	(void)line;
	return realloc(ptr, sz);
}

static void
fwd_ossl_free(void *ptr, const char *file, int line)
{
	(void)file;
	(void)line;
	free(ptr);
}

static int
install_hooks(void)
{
	return CRYPTO_set_mem_functions(fwd_ossl_malloc, fwd_ossl_realloc,
	    fwd_ossl_free) == 1 ? 0 : -1;
}

static const struct bench_mode modes[] = {
	{ "libc", bench_libc, NULL },
	{ "openssl", loop_openssl, NULL },
	{ "openssl-hook", loop_openssl, install_hooks },
};

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "version") == 0) {
		printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
		return 0;
	}
	return bench_main(argc, argv, modes, sizeof(modes) / sizeof(modes[0]));
}
