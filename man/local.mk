# man/local.mk: the manual pages of section 3 and their links.

# The same in every variant: each page says how the variants differ.  A
# second variant installed beside the first writes byte-identical pages,
# so a distribution ships them once.
dist_man3_MANS = \
	man/event_mm_malloc_.3 \
	man/event_set_mem_functions.3 \
	man/evmm_fault_set.3 \
	man/evmm_get_allocator.3 \
	man/evmm_get_version.3 \
	man/evmm_set_allocator.3 \
	man/evmm_stats_get.3 \
	man/libevmm.3
# LINK:PAGE pairs: names documented in another name's page.
evmm_man_links = \
	event_mm_calloc_.3:event_mm_malloc_.3 \
	event_mm_free_.3:event_mm_malloc_.3 \
	event_mm_realloc_.3:event_mm_malloc_.3 \
	event_mm_strdup_.3:event_mm_malloc_.3 \
	evmm_fault_first.3:evmm_fault_set.3 \
	evmm_get_version_number.3:evmm_get_version.3 \
	evmm_stats_enable.3:evmm_stats_get.3

install-data-hook:
	@cd '$(DESTDIR)$(man3dir)' && for pair in $(evmm_man_links); do \
	  link=$${pair%%:*}; page=$${pair#*:}; \
	  echo " $(LN_S) $$page '$(DESTDIR)$(man3dir)/$$link'"; \
	  rm -f "$$link" && $(LN_S) "$$page" "$$link" || exit 1; \
	done
# The include directories are the package's own (event2dir inside
# evmmincludedir): remove them once empty, never anything else's files.
uninstall-hook:
	@for pair in $(evmm_man_links); do \
	  echo " rm -f '$(DESTDIR)$(man3dir)/$${pair%%:*}'"; \
	  rm -f "$(DESTDIR)$(man3dir)/$${pair%%:*}"; \
	done
	@for d in '$(DESTDIR)$(event2dir)' '$(DESTDIR)$(evmmincludedir)'; do \
	  if test -d "$$d"; then echo " rmdir '$$d'"; rmdir "$$d" || :; fi; \
	done
