#!/usr/bin/env bash
# Fails when git tracks something that is not a source: an ELF binary (a
# `go build` output, like the 77 MB e2e/awsbridge/awsbridge once committed by
# mistake) or any file over 1 MiB. Files under a testdata/ folder are
# fixtures and exempt; shell scripts with the executable bit are sources.
#
# Usage: scripts/check-tracked.sh [DIR]
# DIR is any folder of the git work tree to check (default: the repository
# holding this script). Each file `git ls-files` lists is read from the work
# tree, or from the index when the work tree lacks it (deleted, sparse).
# Called by `make check-tracked` and .ci/run; exits 1 listing every offender.
set -euo pipefail

# Bytes, not characters, for `read -n`.
export LC_ALL=C

limit=1048576 # 1 MiB, in bytes

if (($# > 1)); then
  echo "usage: $0 [DIR]" >&2
  exit 2
fi
dir=${1:-"$(dirname "${BASH_SOURCE[0]}")/.."}
if ! top=$(git -C "$dir" rev-parse --show-toplevel 2>/dev/null); then
  echo "check-tracked: $dir is not in a git work tree" >&2
  exit 2
fi
cd "$top"

# is_elf <FILE: whether FILE starts with the ELF magic, "\x7fELF". A NUL
# byte ends the read early, so it cannot be skipped over.
is_elf() {
  local magic=
  IFS= read -r -d '' -n 4 magic || true
  [[ $magic == $'\x7fELF' ]]
}

# -s: "mode object stage<TAB>path", so that a file missing from the work
# tree can be read from the index. -z: paths as they are. A file rather
# than a process substitution, so that set -e sees git fail.
list=$(mktemp)
trap 'rm -f "$list"' EXIT
git ls-files -s -z >"$list"

checked=0
offenders=()
last=
while IFS= read -r -d '' entry; do
  path=${entry#*$'\t'}
  read -r mode object _ <<<"${entry%%$'\t'*}"
  # An unmerged path is listed once per stage.
  if [[ $path == "$last" ]]; then continue; fi
  last=$path
  case "/$path" in */testdata/*) continue ;; esac
  # A submodule's entry is a commit, not a file.
  if [[ $mode == 160000 ]]; then continue; fi
  checked=$((checked + 1))

  if [[ -f $path && ! -L $path ]]; then
    size=$(wc -c <"$path")
    size=${size//[[:space:]]/}
    elf=false
    if is_elf <"$path"; then elf=true; fi
  else
    size=$(git cat-file -s "$object")
    elf=false
    if is_elf < <(git cat-file blob "$object"); then elf=true; fi
  fi

  if $elf && ((size > limit)); then
    offenders+=("$path: ELF binary, $size bytes (over $limit)")
  elif $elf; then
    offenders+=("$path: ELF binary, $size bytes")
  elif ((size > limit)); then
    offenders+=("$path: $size bytes (over $limit)")
  fi
done <"$list"

if ((${#offenders[@]} > 0)); then
  echo "check-tracked: git tracks ${#offenders[@]} file(s) that are not sources:" >&2
  printf '  %s\n' "${offenders[@]}" >&2
  cat >&2 <<'EOF'
A build output belongs in .gitignore, not in git: `git rm --cached PATH`,
then ignore PATH. A large fixture a test needs goes under a testdata/ folder.
EOF
  exit 1
fi
echo "check-tracked: OK ($checked tracked files outside testdata/: no ELF binary, none over $limit bytes)"
