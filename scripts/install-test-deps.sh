#!/usr/bin/env bash
# What the whole test suite needs beyond Swift, from Debian's packages and PyPI; installs only what is missing.
# PostgreSQL (the second storage backend), OpenSSL headers (SM3/SM4), libjpeg and libpng headers (photos) and Chromium with its driver and selenium (the browser journey).
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -e /usr/include/openssl/evp.h ] || missing+=(libssl-dev)  # SM3, SM4, HMAC-SM3 (DoudiCrypto)
[ -e /usr/include/jpeglib.h ] || missing+=(libjpeg-dev)      # photos of visits (CPhoto)
[ -e /usr/include/png.h ] || missing+=(libpng-dev)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -qi "cjk" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing: ${missing[*]} (install them, or run as root)" >&2; exit 0; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check selenium >/dev/null 2>&1 || echo "selenium not installed: the browser journey will be skipped" >&2
command -v st >/dev/null || python3 -m pip install -q --disable-pip-version-check schemathesis >/dev/null 2>&1 || echo "schemathesis not installed: the API fuzzing will fail (SKIP_FUZZ=1 skips it)" >&2
python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check openpyxl >/dev/null 2>&1 || echo "openpyxl not installed: the workbook check will fail" >&2
