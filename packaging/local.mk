# packaging/local.mk: the Debian example, shipped in the tarball and
# built from it by tests/release/debian.sh (test-all.sh).

EXTRA_DIST += \
	packaging/debian/changelog packaging/debian/control \
	packaging/debian/copyright packaging/debian/rules \
	packaging/debian/source/format \
	packaging/debian/libevmm1.install packaging/debian/libevmm-nomm1.install \
	packaging/debian/libevmm-dev.install \
	packaging/debian/evmm-torture.install \
	packaging/debian/libevmm1.symbols packaging/debian/libevmm-nomm1.symbols
