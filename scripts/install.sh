#!/usr/bin/env bash
# Install everything audiobook needs on a Debian/Ubuntu machine, from nothing:
# system packages (speech engines, ffmpeg, word lists), then a virtual environment in .venv.
#   bash scripts/install.sh           # to use it
#   bash scripts/install.sh --dev     # also the test tools
#   bash scripts/install.sh --rhvoice # also RHVoice voices (needs Debian's non-free component)
#   bash scripts/install.sh --no-neural  # without the neural voices (the `neural` extra)
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
rhvoice=0
neural=1
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    --rhvoice) rhvoice=1 ;;
    --no-neural) neural=0 ;;
    *) echo "usage: bash scripts/install.sh [--dev] [--rhvoice] [--no-neural]" >&2; exit 2 ;;
  esac
done

# tesseract-ocr (with its English data, some 10 MB) reads scanned PDFs: `--ocr`.
packages=(espeak-ng libespeak1 flite ffmpeg wbritish wamerican tesseract-ocr python3 python3-venv
  python3-pip)
# EPUBCheck (and the Java it runs on) validates the EPUB talking books in the tests.
if [ "$dev" -eq 1 ]; then packages+=(epubcheck); fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${packages[@]}" >/dev/null

if [ "$rhvoice" -eq 1 ]; then
  # RHVoice lives in Debian's non-free component (Ubuntu's universe): on Debian, add
  # non-free to the machine's own Debian sources, from the mirrors it already uses.
  distro=$(. /etc/os-release && echo "${ID:-}")
  if [ "$distro" = debian ]; then
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")
    sources=()
    for file in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
      if [ -f "$file" ]; then sources+=("$file"); fi
    done
    if [ "${#sources[@]}" -eq 0 ]; then
      echo "error: no Debian apt sources found; add non-free to them by hand" >&2
      exit 1
    fi
    $sudo python3 scripts/apt_non_free.py "$codename" "${sources[@]}"
    # written by earlier versions of this script, with a host of its own
    $sudo rm -f /etc/apt/sources.list.d/audiobook-non-free.list
    $sudo apt-get update -qq
  fi
  $sudo apt-get install -y -qq rhvoice rhvoice-english >/dev/null
fi

python=python3
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
extras=()
if [ "$dev" -eq 1 ]; then extras+=(dev); fi
if [ "$neural" -eq 1 ]; then extras+=(neural); fi
if [ "${#extras[@]}" -gt 0 ]; then
  .venv/bin/python -m pip install -q -e ".[$(IFS=,; echo "${extras[*]}")]"
else
  .venv/bin/python -m pip install -q -e .
fi
echo "audiobook is installed in .venv: run .venv/bin/audiobook --help"
