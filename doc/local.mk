# doc/local.mk: the documents that README.md points to, beyond the
# manual pages.  Not installed: make dist ships them with the source.

EXTRA_DIST += \
	doc/building.md \
	doc/libevent.md \
	doc/out-of-memory-testing.md \
	doc/packaging.md \
	doc/releasing.md \
	doc/security.md \
	doc/testing.md \
	doc/threads.md
