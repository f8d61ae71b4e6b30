/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Reading back what a run left in the temporary directory: the report
 * of each process that loaded libevmm (its directory "reports-N"), the
 * command's stderr, valgrind's logs; the verdict that report_parse.c,
 * checker_log.c and verdict.c make of them; and the removal of the
 * files once read.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/report-keys.h"
#include "torture.h"

/* What is read of a command's stderr or a checker's logs. */
#define LOG_MAX (1024 * 1024)
/* ... and of a report: the rest, and at most EVMM_SITES_MAX sites. */
#define REPORT_MAX (LOG_MAX + (size_t)EVMM_SITES_MAX * EVMM_SITE_LINE_MAX)

/* The file's first max bytes, appended to *buf (NUL-terminated). */
static void
slurp_upto(const char *path, char **buf, size_t *len, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t r;
	char *b;

	if (fd < 0)
		return;
	b = realloc(*buf, *len + max + 1);
	if (b == NULL) {
		close(fd);
		out_of_memory();
	}
	*buf = b;
	while (got < max && (r = read(fd, b + *len + got, max - got)) > 0)
		got += (size_t)r;
	*len += got;
	b[*len] = '\0';
	close(fd);
}

static void
slurp(const char *path, char **buf, size_t *len)
{
	slurp_upto(path, buf, len, LOG_MAX);
}

/* Valgrind's logs for run id, one per process, appended to *buf. */
static void
slurp_valgrind_logs(unsigned long id, char **buf, size_t *len)
{
	char prefix[48], path[FILE_PATH_MAX];
	DIR *d = opendir(tmpdir_path());
	struct dirent *e;
	size_t plen;

	if (d == NULL)
		return;
	plen = (size_t)snprintf(prefix, sizeof(prefix), "vg-%lu.", id);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir_path(),
		    e->d_name);
		slurp(path, buf, len);
		unlink(path);
	}
	closedir(d);
}

static int
by_key(const void *x, const void *y)
{
	return compare_keys(((const struct process *)x)->key,
	    ((const struct process *)y)->key);
}

/* Room for the first allocations of EVMM_SITES_MAX sites. */
static unsigned long *
new_firsts(void)
{
	unsigned long *firsts = malloc(EVMM_SITES_MAX * sizeof(*firsts));

	if (firsts == NULL)
		out_of_memory();
	return firsts;
}

/* The n first allocations in firsts (from new_firsts(), whose memory
 * this takes) as p's sites. */
static void
keep_sites(struct process *p, unsigned long *firsts, size_t n)
{
	p->nsites = n;
	if (n == 0) {
		free(firsts);
		return;
	}
	/* Only what it needs: a command may run many processes. */
	p->sites = malloc(n * sizeof(*firsts));
	if (p->sites == NULL) {
		p->sites = firsts;
		return;
	}
	memcpy(p->sites, firsts, n * sizeof(*firsts));
	free(firsts);
}

/* The call sites p's report lists, if any. */
static void
list_sites(const char *report, struct process *p)
{
	unsigned long *firsts = new_firsts();
	size_t n;

	p->site_list = report_sites(report, firsts, EVMM_SITES_MAX, &n);
	keep_sites(p, firsts, n);
}

void
free_processes(struct processes *count)
{
	size_t i;

	for (i = 0; i < count->n; i++)
		free(count->v[i].sites);
	free(count->v);
	count->v = NULL;
	count->n = 0;
}

/* The process with the key in count, added (counting nothing yet) if it
 * is not there. */
static struct process *
process_of(struct processes *count, size_t *cap, const char *key,
    size_t klen)
{
	struct process *v;
	size_t i;

	for (i = 0; i < count->n; i++)
		if (strncmp(count->v[i].key, key, klen) == 0 &&
		    count->v[i].key[klen] == '\0')
			return &count->v[i];
	if (count->n == *cap) {
		*cap = *cap > 0 ? *cap * 2 : 8;
		v = realloc(count->v, *cap * sizeof(*v));
		if (v == NULL)
			out_of_memory();
		count->v = v;
	}
	v = &count->v[count->n++];
	memset(v, 0, sizeof(*v));
	memcpy(v->key, key, klen);
	v->key[klen] = '\0';
	v->site_list = SITES_ABSENT;
	return v;
}

/* What a process's live file (lib/report-keys.h) counted, into *p, which
 * has no sites yet: 1, or 0 when it is not one that this evmm-torture
 * can read. */
static int
read_live(const char *path, struct process *p)
{
	struct evmm_live *l = malloc(sizeof(*l));
	unsigned long *firsts;
	size_t got = 0, i, n = 0;
	ssize_t r;
	int fd;

	if (l == NULL)
		out_of_memory();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && got < sizeof(*l) &&
	    (r = read(fd, (char *)l + got, sizeof(*l) - got)) > 0)
		got += (size_t)r;
	if (fd >= 0)
		close(fd);
	if (got != sizeof(*l) || l->size != sizeof(*l) ||
	    memcmp(l->magic, EVMM_LIVE_MAGIC, sizeof(EVMM_LIVE_MAGIC)) != 0) {
		free(l);
		return 0;
	}
	p->allocations = (unsigned long)l->allocations;
	p->pid = l->pid;
	p->code_start = l->code_start;
	p->code_end = l->code_end;
	p->site_list = SITES_ABSENT;
	if (l->sites_limit != 0) {
		p->site_list = l->sites_full ? SITES_FULL : SITES_COMPLETE;
		firsts = new_firsts();
		/* A slot whose first is 0 was being entered when the
		 * process ended; there are never more than the limit. */
		for (i = 0; i < EVMM_LIVE_SLOTS && n < EVMM_SITES_MAX; i++)
			if (l->slots[i].key != NULL &&
			    l->slots[i].first != 0)
				firsts[n++] = (unsigned long)l->slots[i].first;
		keep_sites(p, firsts, sort_firsts(firsts, n));
	}
	free(l);
	return 1;
}

/* Every process in the directory dir into count, in key order: whether
 * there is any.  A process is counted from its live file, which
 * survives any ending, else from its report.  An empty report is none:
 * its program image was replaced by exec() (a shell's, say) or died
 * before it wrote one. */
static int
list_reports(const char *dir, struct processes *count)
{
	char path[FILE_PATH_MAX + EVMM_PROCESS_KEY_MAX + 2], value[64];
	const size_t slen = strlen(EVMM_LIVE_SUFFIX);
	struct process one, *p;
	DIR *d = opendir(dir);
	struct dirent *e;
	char *report;
	size_t len, klen, cap = 0, i;

	memset(count, 0, sizeof(*count));
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		klen = strlen(e->d_name);
		if (e->d_name[0] == '.' ||	/* ".", "..", counters */
		    klen > EVMM_PROCESS_KEY_MAX + slen ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    e->d_name) >= sizeof(path))
			continue;
		if (klen > slen && strcmp(e->d_name + klen - slen,
		    EVMM_LIVE_SUFFIX) == 0) {
			memset(&one, 0, sizeof(one));
			if (read_live(path, &one)) {
				p = process_of(count, &cap, e->d_name,
				    klen - slen);
				free(p->sites);	/* its report's */
				memcpy(one.key, p->key, sizeof(one.key));
				one.live = 1;
				*p = one;
			}
			continue;
		}
		if (klen > EVMM_PROCESS_KEY_MAX)
			continue;
		report = NULL;
		len = 0;
		slurp_upto(path, &report, &len, REPORT_MAX);
		if (report != NULL && report_value(report,
		    EVMM_REPORT_ALLOCATIONS, value, sizeof(value))) {
			p = process_of(count, &cap, e->d_name, klen);
			if (!p->live) {
				p->allocations = strtoul(value, NULL, 10);
				list_sites(report, p);
				if (report_value(report, EVMM_REPORT_PID, value,
				    sizeof(value)))
					p->pid = strtol(value, NULL, 10);
			}
		}
		free(report);
	}
	closedir(d);
	if (count->n > 0)
		qsort(count->v, count->n, sizeof(*count->v), by_key);
	for (i = 0; i < count->n; i++) {
		count->allocations += count->v[i].allocations;
		count->allocating += count->v[i].allocations > 0;
	}
	return count->n > 0;
}

/* The frames in inside, one per line, each named, then joined with
 * ", ". */
static void
name_inside(char *inside, size_t size)
{
	char out[sizeof(((struct point *)0)->inside)], one[256];
	const char *s = inside;
	size_t o = 0, n;

	out[0] = '\0';
	while (*s != '\0' && o < sizeof(out)) {
		n = strcspn(s, "\n");
		snprintf(one, sizeof(one), "%.*s", (int)n, s);
		name_frame(one, sizeof(one));
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
		    o > 0 ? ", " : "", one);
		s += n + (s[n] == '\n');
	}
	snprintf(inside, size, "%s", out);
}

/* Whether the counting run left a process running past --linger: then
 * one that a point leaves is how the command works, not a hang. */
static int outliving_expected;

/* Whether the checker's log reports a leak in a process that loaded
 * libevmm, one of procs (any, when none is known): a leak in /bin/sh or
 * another program the command runs is not the command's to fix.  The
 * first such leak is said in buf, "KEY: RECORD". */
static int
leaked(const char *log, enum leak_check how, const struct processes *procs,
    char *buf, size_t size)
{
	char record[256], num[32];
	struct leak_owner *owners = NULL;
	size_t i;
	long pid;
	int found;

	if (procs->n > 0) {
		owners = malloc(procs->n * sizeof(*owners));
		if (owners == NULL)
			out_of_memory();
		for (i = 0; i < procs->n; i++) {
			owners[i].pid = procs->v[i].pid;
			owners[i].code_start = procs->v[i].code_start;
			owners[i].code_end = procs->v[i].code_end;
		}
	}
	found = scan_leak(log, how, owners, procs->n, record, sizeof(record),
	    &pid);
	free(owners);
	if (!found)
		return 0;
	for (i = 0; i < procs->n; i++)
		if (procs->v[i].pid == pid)
			break;
	snprintf(num, sizeof(num), "pid %ld", pid);
	buf[0] = '\0';
	append_text(buf, size, i < procs->n ? procs->v[i].key : num);
	append_text(buf, size, ": ");
	append_text(buf, size, record);
	return 1;
}

void
read_back(struct point *p, const struct options *o, struct processes *count)
{
	char path[FILE_PATH_MAX], dir[FILE_PATH_MAX], value[64];
	char *report = NULL, *err = NULL, *vglog = NULL, *log;
	char leak[sizeof(p->crash)];
	size_t rlen = 0, elen = 0, vlen = 0;
	struct processes procs;
	struct run_facts f;

	memset(&f, 0, sizeof(f));
	memset(&procs, 0, sizeof(procs));
	tmpdir_file(dir, sizeof(dir), "reports", p->id);
	if (count != NULL) {
		f.reported = list_reports(dir, count);
		count->reported = f.reported;
	} else if (p->key != NULL && (size_t)snprintf(path, sizeof(path),
	    "%s/%s", dir, p->key) < sizeof(path)) {
		slurp(path, &report, &rlen);
		f.reported = report != NULL && report_value(report,
		    EVMM_REPORT_ALLOCATIONS, value, sizeof(value));
	}
	/* Whose leaks count: the processes that loaded libevmm. */
	if (o->leaks != LEAK_NONE && count == NULL)
		(void)list_reports(dir, &procs);
	remove_dir(dir);
	if (o->run_dir != NULL) {
		tmpdir_file(path, sizeof(path), "run", p->id);
		remove_dir(path);
	}
	tmpdir_file(path, sizeof(path), "err", p->id);
	slurp(path, &err, &elen);
	unlink(path);
	if (o->verbose && elen > 0)
		fwrite(err, 1, elen, stderr);
	/* Valgrind writes a log of its own per process; a sanitizer writes
	 * to the command's stderr. */
	log = err;
	if (o->leaks == LEAK_VALGRIND) {
		slurp_valgrind_logs(p->id, &vglog, &vlen);
		log = vglog;
	}

	f.status = p->status;
	f.timed_out = p->timed_out;
	f.injected = p->nth > 0;
	f.leaks = o->leaks;
	f.shell_status_believed = !shell_signal_status(o->success_status);
	if (count != NULL)
		outliving_expected |= p->outlived[0] != '\0';
	f.outlived = p->outlived[0] != '\0' && !outliving_expected;
	/* Written by the process's crash handler, whatever the command's
	 * status says of it. */
	if (report != NULL && report_value(report, EVMM_REPORT_CRASH_SIGNAL,
	    value, sizeof(value)))
		f.own_signal = atoi(value);
	/* Not reached: the process never ran, or made fewer allocations. */
	f.reached = report != NULL && report_value(report,
	    EVMM_REPORT_FIRST_INJECTED_CALL, value, sizeof(value));
	scan_checker_log(log, o->leaks == LEAK_VALGRIND ? LEAK_VALGRIND :
	    LEAK_ASAN, &f.sanitizer_error, &f.sanitizer_leak, p->crash,
	    sizeof(p->crash));
	f.sanitizer_leak = o->leaks != LEAK_NONE && leaked(log, o->leaks,
	    count != NULL ? count : &procs, leak, sizeof(leak));
	free_processes(&procs);
	classify(&f, &p->verdict);
	describe_verdict(&p->verdict, p->result, sizeof(p->result));
	if (report == NULL || !report_value(report,
	    EVMM_REPORT_FIRST_INJECTED_ENTRY, p->entry, sizeof(p->entry)))
		snprintf(p->entry, sizeof(p->entry), "-");
	if (report == NULL || !report_value(report,
	    EVMM_REPORT_FIRST_INJECTED_CALLER, p->caller, sizeof(p->caller)))
		snprintf(p->caller, sizeof(p->caller), "-");
	p->inside[0] = '\0';
	if (p->verdict.how == BY_OUTLIVED)
		snprintf(p->crash, sizeof(p->crash), "%s", p->outlived);
	else if (p->verdict.outcome == LEAKED)
		memcpy(p->crash, leak, sizeof(leak));
	else if (p->verdict.outcome != CRASHED)
		snprintf(p->crash, sizeof(p->crash), "-");
	else if (strcmp(p->crash, "-") == 0 && report != NULL &&
	    report_crash_site(report, p->caller, p->crash, sizeof(p->crash),
	    p->inside, sizeof(p->inside))) {
		name_frame(p->crash, sizeof(p->crash));
		name_inside(p->inside, sizeof(p->inside));
	}
	/* The line to fix: where the failed allocation was made. */
	if (is_failing(p) && strcmp(p->caller, "-") != 0)
		name_frame(p->caller, sizeof(p->caller));
	/* A command that could not run says why on its stderr. */
	if (p->verdict.outcome == CANNOT_RUN && err != NULL)
		snprintf(p->crash, sizeof(p->crash), "%.*s",
		    (int)strcspn(err, "\n"), err);
	free(report);
	free(err);
	free(vglog);
}
