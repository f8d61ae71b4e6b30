# abi/local.mk: the ABI baselines and make abi-check.

# abi/ keeps each variant's public ABI as last released.  make abi-check
# compares the built library with it (test-all.sh runs it): an
# incompatible change fails, a compatible one (an addition) passes with a
# note.  When -version-info changes, that is at a release, rewrite both
# baselines with abi/update.sh (or one with make abi-baseline in a build
# of that variant) and commit them together.  The second variant's
# baseline is of the build configured with --with-variant-suffix=nomm.
if MM_REPLACEMENT
evmm_abi_baseline = $(srcdir)/abi/libevmm.abi
else
evmm_abi_baseline = $(srcdir)/abi/libevmm-nomm.abi
endif
abi-check abi-baseline: $(evmm_la)
	@$(SHELL) $(srcdir)/tests/release/abi.sh $(@:abi-%=%) \
	  '.libs/lib$(EVMM_NAME).so' '$(evmm_abi_baseline)' \
	  '$(srcdir)/include/event2'
.PHONY: abi-check abi-baseline
EXTRA_DIST += abi/libevmm.abi abi/libevmm-nomm.abi abi/update.sh \
	tests/release/abi.sh
