#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa Open Source 3.6 needs 3.8-3.10).
# Looks at $PYTHON310, then PATH, then pyenv. Exits 1 with advice when there is none.
set -euo pipefail

is_310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }

candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
for name in python3.10 python3 python; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for path in "$pyenv_root"/versions/3.10.*/bin/python; do
  [ -x "$path" ] && candidates+=("$path")
done

for candidate in "${candidates[@]}"; do
  if is_310 "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

cat >&2 <<'MSG'
No Python 3.10 interpreter found. Rasa Open Source 3.6 runs on Python 3.8-3.10 only.
Install one, then run the command again:
  - Debian/Ubuntu:  sudo apt-get install python3.10 python3.10-venv
  - pyenv:          pyenv install 3.10.13
  - or point to one: PYTHON310=/path/to/python3.10 make run
MSG
exit 1
