#!/usr/bin/env bash
# deb.sh builds the shouhou Debian package with plain dpkg-deb.
#
#   build/deb.sh [OUTDIR]        (default OUTDIR: dist)
#
# Environment: VERSION (default: git describe), ARCH (a Debian
# architecture, default: this machine's; arm64 on an amd64 box cross-builds
# with gcc-aarch64-linux-gnu and libpcsclite-dev:arm64, see
# docs/operations.md), GO (default: go). Prints the path of the .deb.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
pkg=$here/pkg
out=${1:-$top/dist}
GO=${GO:-go}
host_arch=$(dpkg --print-architecture)
ARCH=${ARCH:-$host_arch}
VERSION=${VERSION:-$(git -C "$top" describe --tags --always --dirty 2>/dev/null || echo dev)}

# A Debian version must start with a digit and has no '-' in a native
# package: v1.2.3 -> 1.2.3, v1.2.3-4-gabc -> 1.2.3+4+gabc, abc123 -> 0~gitabc123.
debversion=${VERSION#v}
debversion=${debversion//-/+}
if [[ ! $debversion =~ ^[0-9]+(\.[0-9]+)+ ]]; then
	debversion="0~git$debversion"
fi

case $ARCH in
amd64) goarch=amd64 triplet=x86_64-linux-gnu ;;
arm64) goarch=arm64 triplet=aarch64-linux-gnu ;;
*)
	echo "deb.sh: unsupported ARCH $ARCH (amd64, arm64)" >&2
	exit 2
	;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/DEBIAN"

# The binary: cgo (libpcsclite), PIE, full RELRO, stripped.
export CGO_ENABLED=1 GOOS=linux GOARCH=$goarch
# Debian's hardening flags for the C parts (fortified libc calls).
CGO_CFLAGS="$(DEB_HOST_ARCH=$ARCH dpkg-buildflags --get CFLAGS) $(DEB_HOST_ARCH=$ARCH dpkg-buildflags --get CPPFLAGS)"
CGO_LDFLAGS=$(DEB_HOST_ARCH=$ARCH dpkg-buildflags --get LDFLAGS)
export CGO_CFLAGS CGO_LDFLAGS
if [[ $ARCH != "$host_arch" ]]; then
	export CC=${CC:-$triplet-gcc}
	export PKG_CONFIG_LIBDIR=/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig
fi
install -d "$root/usr/bin"
(cd "$top" && "$GO" build -trimpath -buildmode=pie \
	-ldflags "-s -w -X main.version=$VERSION -linkmode=external -extldflags '-Wl,-z,relro,-z,now'" \
	-o "$root/usr/bin/shouhou" .)

# Strip the sections dh_strip would (lintian: binary-has-unneeded-section).
objcopy=objcopy
if [[ $ARCH != "$host_arch" ]]; then objcopy=$triplet-objcopy; fi
"$objcopy" --remove-section=.comment --remove-section=.note "$root/usr/bin/shouhou"

# The config files, from the binary's own defaults (a host build when
# cross-compiling, since the target binary cannot run here).
confgen=$root/usr/bin/shouhou
if [[ $ARCH != "$host_arch" ]]; then
	(cd "$top" && env -u CC -u PKG_CONFIG_LIBDIR GOARCH= "$GO" build -o "$work/shouhou-host" .)
	confgen=$work/shouhou-host
fi
"$confgen" config init "$root/etc/shouhou" >/dev/null
chmod 0644 "$root"/etc/shouhou/*.toml

install -D -m 0644 "$pkg/default" "$root/etc/default/shouhou"
install -D -m 0644 "$pkg/pam" "$root/etc/pam.d/shouhou-kiosk"
for u in shouhou.service shouhou-backup.service shouhou-backup.timer shouhou-kiosk.service; do
	install -D -m 0644 "$pkg/$u" "$root/lib/systemd/system/$u"
done
install -D -m 0644 "$pkg/60-shouhou.rules" "$root/lib/udev/rules.d/60-shouhou.rules"
install -D -m 0755 "$pkg/shouhou-backup" "$root/usr/libexec/shouhou/shouhou-backup"
install -D -m 0755 "$pkg/shouhou-kiosk" "$root/usr/libexec/shouhou/shouhou-kiosk"
install -D -m 0644 "$pkg/reconnecting.html" "$root/usr/share/shouhou/kiosk/reconnecting.html"

doc=$root/usr/share/doc/shouhou
install -D -m 0644 "$pkg/copyright" "$doc/copyright"
install -D -m 0644 "$top/docs/operations.md" "$doc/operations.md"
{
	echo "shouhou ($debversion) unstable; urgency=medium"
	echo
	echo "  * Build of $VERSION."
	echo
	echo " -- shouhou maintainers <maintainers@users.noreply.h-seed-167cd25f.example>  $(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}")"
} | gzip -9n >"$doc/changelog.gz"
install -d "$root/usr/share/man/man1"
gzip -9n <"$pkg/shouhou.1" >"$root/usr/share/man/man1/shouhou.1.gz"
chmod 0644 "$doc/changelog.gz" "$root/usr/share/man/man1/shouhou.1.gz"

for s in postinst prerm postrm; do
	install -m 0755 "$pkg/$s" "$root/DEBIAN/$s"
done
(cd "$root" && find etc -type f | sed 's,^,/,' | sort) >"$root/DEBIAN/conffiles"

# Shared-library dependencies (libc6, libpcsclite1) from the binary itself.
mkdir -p "$work/src/debian"
printf 'Source: shouhou\n\nPackage: shouhou\nArchitecture: any\n' >"$work/src/debian/control"
shlibs=$(cd "$work/src" && DEB_HOST_ARCH=$ARCH dpkg-shlibdeps -O "$root/usr/bin/shouhou" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
if [[ -z $shlibs ]]; then
	shlibs="libc6 (>= 2.34), libpcsclite1 (>= 1.9.9)"
fi

(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) >"$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)

cat >"$root/DEBIAN/control" <<CONTROL
Package: shouhou
Version: $debversion
Architecture: $ARCH
Maintainer: shouhou maintainers <maintainers@users.noreply.h-seed-167cd25f.example>
Installed-Size: $size
Depends: $shlibs, pcscd, adduser
Recommends: cage, xwayland, chromium, fonts-noto-cjk
Suggests: pcsc-tools
Section: misc
Priority: optional
Homepage: https://shouhou.invalid/
Description: service desk appliance for a department store
 shouhou runs a store's after-sales service desk on one small box:
 tickets from intake to pickup, the prepaid card ledger, receipt printing
 on a USB ESC/POS printer and a contactless card reader through pcscd.
 .
 The package installs the server as a hardened systemd service with its
 config in /etc/shouhou and its data in /var/lib/shouhou, a nightly
 backup timer with retention, udev rules for the receipt printer, and a
 full-screen kiosk (Chromium under cage) for the desk's touch screen.
CONTROL

mkdir -p "$out"
deb=$out/shouhou_${debversion}_$ARCH.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
