#!/usr/bin/env bash
# deps.sh installs the Debian packages shouhou needs to build, run and test.
# Idempotent and quiet when everything is present. Needs root (or sudo).
set -euo pipefail

pkgs=(
	gcc                 # cgo, for the PC/SC binding
	pkg-config          # ebfe/scard finds libpcsclite through it
	libpcsclite-dev     # drivers/reader links libpcsclite
	pcscd               # the PC/SC daemon
	vsmartcard-vpcd     # the virtual reader driver the reader tests play cards through
	iproute2            # `ip link set lo up` inside the reader tests' private namespace
	util-linux          # unshare
	chromium            # the UI's browser tests
	fonts-noto-cjk      # Chinese glyphs in screenshots and previews
	zbar-tools          # decodes the printed barcodes and QR codes back in the printer tests
	lintian             # build/deb_test.go: the .deb must pass lintian with no errors
	dpkg-dev            # deb.sh: dpkg-shlibdeps computes the package's library Depends
	nats-server         # the chain's event stream (JetStream); the chain tests start their own
	postgresql          # head office's consolidated store; the chain tests initdb their own
)
# On amd64, the arm64 cross toolchain and libraries (Debian multiarch), so
# that `make deb ARCH=arm64` works and the build tests check that package.
cross=()
if [[ $(dpkg --print-architecture) == amd64 ]]; then
	cross=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev:arm64 libpcsclite-dev:arm64)
	pkgs+=("${cross[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
	exit 0
fi

sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ((${#cross[@]} > 0)) && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$sudo dpkg --add-architecture arm64
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packaged pcscd service would hold the reader socket; tests run their own.
if command -v systemctl >/dev/null 2>&1; then
	$sudo systemctl disable --now pcscd.socket pcscd.service >/dev/null 2>&1 || true
	# Nor do the packaged NATS and PostgreSQL services belong to the tests.
	$sudo systemctl disable --now nats-server.service postgresql.service >/dev/null 2>&1 || true
fi
