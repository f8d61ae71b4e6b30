# packaging/local.mk: the example packaging, shipped in the tarball and
# built from it by test-all.sh: packaging/debian by
# tests/release/debian.sh, packaging/rpm by tests/release/rpm.sh.

EXTRA_DIST += \
	packaging/debian/changelog packaging/debian/control \
	packaging/debian/copyright packaging/debian/rules \
	packaging/debian/source/format \
	packaging/debian/libevmm1.install packaging/debian/libevmm-nomm1.install \
	packaging/debian/libevmm-dev.install \
	packaging/debian/evmm-torture.install \
	packaging/debian/libevmm1.symbols packaging/debian/libevmm-nomm1.symbols

# The spec as configure writes it, with this release's version, so that
# rpmbuild -ta builds the tarball as it is; its template; and the rpmlint
# messages it draws on purpose.
EXTRA_DIST += packaging/rpm/libevmm.spec packaging/rpm/libevmm.spec.in \
	packaging/rpm/libevmm.rpmlintrc
