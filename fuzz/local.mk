# fuzz/local.mk: shipped, not built by make: see the comment below.

# libFuzzer targets for the environment's grammars, evmm_fault_set(), the
# process keys and the text of the report file, run by test-all.sh
# through fuzz/run.sh: they need clang's fuzzer runtime, so make check
# does not build them.
# fuzz/corpus is shipped whole, as a directory.
EXTRA_DIST += \
	fuzz/run.sh \
	fuzz/reference.c \
	fuzz/reference.h \
	fuzz/fuzz_fault_spec.c \
	fuzz/fuzz_fault_set.c \
	fuzz/fuzz_stats_switch.c \
	fuzz/fuzz_report.c \
	fuzz/fuzz_sites.c \
	fuzz/fuzz_process_key.c \
	fuzz/fuzz_fault_process.c \
	fuzz/fault_spec.dict \
	fuzz/report.dict \
	fuzz/process.dict \
	fuzz/corpus
