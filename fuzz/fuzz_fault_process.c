/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * libFuzzer target: EVMM_FAULT_PROCESS, which aims EVMM_FAULT at the
 * process with that key, with the whole library linked (lib/local.mk's
 * default variant) as lib/env.c applies the variables: evmm_fault_aim_()
 * with the value, then EVMM_FAULT=nth=1 set by the environment.  This
 * process takes the key "victim#1" in a report directory made at the
 * start.  The input (up to its first NUL byte) is the value; an empty
 * one stands for the variable unset.  Oracles, reference.c's
 * ref_process_fails() from evmm_fault_set(3): a value of more than 200
 * bytes is refused and then no process fails; unset, every one fails;
 * else exactly the one whose key is the value.  Needs glibc's
 * program_invocation_short_name to name the process; elsewhere it tests
 * nothing.  Built and run by fuzz/run.sh.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/evmm_debug.h>

#include "fault-internal.h"
#include "front-internal.h"
#include "parse-internal.h"
#include "report-internal.h"
#include "reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(HAVE_DECL_PROGRAM_INVOCATION_SHORT_NAME) && \
    HAVE_DECL_PROGRAM_INVOCATION_SHORT_NAME && defined(HAVE_OPENAT)
#define KEY "victim#1"

static void
take_key(void)
{
	/* In $TMPDIR, which fuzz/run.sh points into its work directory. */
	static char dir[512];
	char *saved = program_invocation_short_name;
	int rc;

	snprintf(dir, sizeof(dir), "%s/evmm-fuzz-process.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	EXPECT(mkdtemp(dir) != NULL, "mkdtemp %s", dir);
	program_invocation_short_name = (char *)"victim";
	rc = evmm_report_open_(dir);
	program_invocation_short_name = saved;
	EXPECT(rc == 0 && evmm_report_key_() != NULL &&
	    strcmp(evmm_report_key_(), KEY) == 0, "key %s, expected " KEY,
	    evmm_report_key_() != NULL ? evmm_report_key_() : "(none)");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int keyed;
	struct evmm_fault_spec f;
	char *s;
	void *p;
	int rc, want;

	if (!keyed) {
		take_key();
		keyed = 1;
	}
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ref_input = s;

	rc = evmm_fault_aim_(s);
	EXPECT(rc == (strlen(s) > REF_KEY_MAX ? -1 : 0), "evmm_fault_aim_ "
	    "returned %d for %zu bytes", rc, strlen(s));
	EXPECT(evmm_fault_aimed_() == (s[0] != '\0'), "aimed: %d",
	    evmm_fault_aimed_());
	EXPECT(evmm_parse_fault_("nth=1", &f) == NULL, "nth=1 refused");
	evmm_fault_set_by_environment_(&f);
	evmm_front_update_();

	want = ref_process_fails(s[0] != '\0' ? s : NULL, KEY);
	errno = 0;
	p = event_mm_malloc_(16);
	EXPECT((p == NULL) == want, "EVMM_FAULT_PROCESS: allocation 1 of "
	    KEY " %s, expected it to %s", p == NULL ? "failed" : "succeeded",
	    want ? "fail" : "succeed");
	EXPECT(p != NULL || errno == ENOMEM, "errno %d after a failure",
	    errno);
	event_mm_free_(p);
	EXPECT(evmm_fault_set("off") == 0, "off refused");
	free(s);
	return 0;
}
#else
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
#endif
