#!/bin/sh
# Bootstrap a git checkout: generate configure and the Makefile templates.
# A release tarball from make dist needs none of this.
set -e
cd "$(dirname "$0")"
exec autoreconf -fi "$@"
