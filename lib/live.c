/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The numbering's state in a file (lib/live-internal.h): what
 * evmm-torture's counting run needs of a process, kept where it outlives
 * the process.  The report is written at exit, by the destructor; a
 * child made by fork() that ends in _exit(), as POSIX advises, an image
 * replaced by exec(), and a process killed by a signal write none, and
 * their allocations would go uncounted and never be failed.  So while a
 * process with a key numbers its allocations, the counter and the
 * call-site table are a shared mapping of "KEY.live" beside its report
 * (lib/report-keys.h says its layout), which the kernel keeps whatever
 * becomes of the process.  The hot path pays one load of evmm_live_ for
 * it.  Depends on lib/report.c (which makes the file), lib/text.c (its
 * message when it cannot) and lib/report-keys.h only.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#ifdef HAVE_LINK_H
#include <link.h>
#endif
#ifdef HAVE_SYS_MMAN_H
#include <sys/mman.h>
#endif
#ifdef HAVE_UNISTD_H
#include <unistd.h>
#endif

#include "live-internal.h"
#include "report-internal.h"
#include "text-internal.h"

static struct evmm_live own;
struct evmm_live *evmm_live_ = &own;

#if defined(HAVE_MMAP) && defined(HAVE_SYS_MMAN_H) && defined(HAVE_UNISTD_H)
/* Where libevmm's code is: found at load, the same in a child made by
 * fork(). */
static uint64_t code_start, code_end;

#if defined(HAVE_DL_ITERATE_PHDR) && defined(HAVE_LINK_H)
/* The loaded object that holds this function: its lowest and highest
 * executable addresses. */
static int
find_code(struct dl_phdr_info *info, size_t size, void *unused)
{
	uintptr_t self = (uintptr_t)&find_code, lo, hi;
	int i;

	(void)size;
	(void)unused;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_X) == 0)
			continue;
		lo = (uintptr_t)info->dlpi_addr + (uintptr_t)ph->p_vaddr;
		hi = lo + (uintptr_t)ph->p_memsz;
		if (self >= lo && self < hi) {
			code_start = lo;
			code_end = hi;
			return 1;
		}
	}
	return 0;
}
#endif

/* A new "KEY.live", mapped and holding what the numbering holds now;
 * NULL with errno set. */
static struct evmm_live *
map_new(void)
{
	struct evmm_live *l;
	int fd = evmm_report_create_beside_(EVMM_LIVE_SUFFIX), err;

	if (fd < 0)
		return NULL;
	/* A file with holes: the site table's pages take no room until a
	 * site is entered in them. */
	if (ftruncate(fd, (off_t)sizeof(*l)) != 0) {
		err = errno;
		(void)close(fd);
		errno = err;
		return NULL;
	}
	l = mmap(NULL, sizeof(*l), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = errno;
	(void)close(fd);
	errno = err;
	if (l == MAP_FAILED)
		return NULL;
	/* Only what is in use, so that untouched pages stay holes. */
	if (evmm_live_->sites_reserved != 0 || evmm_live_->sites_full != 0)
		memcpy(l, evmm_live_, sizeof(*l));
	l->sites_limit = evmm_live_->sites_limit;
	l->allocations = evmm_live_->allocations;
	memcpy(l->magic, EVMM_LIVE_MAGIC, sizeof(EVMM_LIVE_MAGIC));
	l->size = (uint32_t)sizeof(*l);
	l->pid = (int32_t)getpid();
	l->code_start = code_start;
	l->code_end = code_end;
	return l;
}

void
evmm_live_map_(void)
{
	struct evmm_live *l;
	struct evmm_text t;

#if defined(HAVE_DL_ITERATE_PHDR) && defined(HAVE_LINK_H)
	(void)dl_iterate_phdr(find_code, NULL);
#endif
	l = map_new();
	if (l != NULL) {
		evmm_live_ = l;
		return;
	}
	t.len = 0;
	evmm_text_str_(&t, "libevmm: EVMM_REPORT: cannot make ");
	evmm_text_escaped_(&t, evmm_report_key_() != NULL ?
	    evmm_report_key_() : "?");
	evmm_text_str_(&t, EVMM_LIVE_SUFFIX ": ");
	evmm_text_str_(&t, strerror(errno));
	evmm_text_str_(&t, "; allocations are counted at exit only\n");
	evmm_text_stderr_(&t);
}

void
evmm_live_forked_(int keyed)
{
	struct evmm_live *parents = evmm_live_, *l = NULL;
	int err = errno;

	if (parents == &own)
		return;		/* nothing of the parent's is shared */
	if (keyed)
		l = map_new();
	if (l == NULL) {
		memcpy(&own, parents, sizeof(own));
		l = &own;
	}
	evmm_live_ = l;
	/* The child's view of its parent's file, not the file. */
	(void)munmap(parents, sizeof(*parents));
	errno = err;
}
#else
void
evmm_live_map_(void)
{
}

void
evmm_live_forked_(int keyed)
{
	(void)keyed;
}
#endif
