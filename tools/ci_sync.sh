#!/usr/bin/env bash
# CI checks that the committed library, notebooks and README agree with each other.
# Run from the repo root in a venv with the project's [dev] deps. Exit 1 on any drift.
set -uo pipefail
fail=0
changed() { ! git diff --quiet -- "$@" || [ -n "$(git ls-files --others --exclude-standard -- "$@")" ]; }
nbdev_export                                     # notebooks -> fgvc_tutorial/*.py and _modidx.py
if changed fgvc_tutorial; then
  echo "ERROR: library out of sync with notebooks: run nbdev_export and commit"
  git diff --stat -- fgvc_tutorial; git ls-files --others --exclude-standard -- fgvc_tutorial; fail=1; fi
nbdev_clean                                      # strips volatile metadata (settings.ini says what stays)
if changed nbs; then
  echo "ERROR: notebooks not clean: run nbdev_clean (or nbdev_install_hooks) and commit"; git diff --stat -- nbs; fail=1; fi
python tools/nbdocs.py readme >/dev/null 2>&1 || { echo "ERROR: README build failed"; fail=1; }
if changed README.md README_files; then
  echo "ERROR: README.md is stale: run python tools/nbdocs.py readme and commit"; git diff --stat -- README.md; fail=1; fi
python tools/nbdocs.py sidebar >/dev/null 2>&1 || { echo "ERROR: sidebar build failed"; fail=1; }
if changed nbs/sidebar.yml; then
  echo "ERROR: nbs/sidebar.yml is stale: run python tools/nbdocs.py sidebar and commit"; fail=1; fi
[ $fail = 0 ] && echo "in sync: library, notebooks, README, sidebar"
exit $fail
