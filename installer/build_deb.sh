#!/usr/bin/env bash
# Build the Debian package from the PyInstaller bundle (installer/dist/girlscourt).
#
#   bash installer/build_deb.sh [BUNDLE_DIR] [OUT_DIR]
#
# Installs to /opt/girlscourt, with /usr/bin/girlscourt and /usr/bin/girlscourt-desktop
# symlinks, the desktop entry, AppStream metadata and hicolor icons. Depends is worked out from
# the bundle: every shared library its ELF files need that the bundle does not carry must map to
# a Debian package in SONAME_PACKAGES below, or the build stops. Needs dpkg-deb and readelf
# (binutils). Prints the path of the .deb on its last line.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
BUNDLE="${1:-$HERE/dist/girlscourt}"
OUT="${2:-$HERE/dist}"
STAGE="$HERE/build/deb"
APP_ID="org.girlscourt.GirlsCourt"
PACKAGE="girlscourt"

say() { echo "[build_deb] $*" >&2; }
die() { echo "[build_deb] error: $*" >&2; exit 1; }

[ -x "$BUNDLE/girlscourt" ] || die "no bundle at $BUNDLE (build installer/girlscourt.spec first)"
command -v dpkg-deb >/dev/null || die "dpkg-deb is missing"
command -v readelf >/dev/null || die "readelf is missing (apt-get install binutils)"

# The version comes from the package, like everything else in the installers.
VERSION="$(python3 -c 'import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
print(next(n.value.value for n in tree.body if isinstance(n, ast.Assign)
           and getattr(n.targets[0], "id", "") == "__version__"))' "$ROOT/girlscourt/__init__.py")"
# PEP 440 pre-releases sort before the release in Debian only with a tilde: 1.2.0rc1 -> 1.2.0~rc1
DEB_VERSION="$(echo "$VERSION" | sed -E 's/^([0-9.]+)((a|b|rc)[0-9]+)$/\1~\2/; s/\.dev/~dev/')"
ARCH="$(dpkg --print-architecture)"
grep -q "<release version=\"$VERSION\"" "$HERE/linux/$APP_ID.metainfo.xml" ||
  die "installer/linux/$APP_ID.metainfo.xml has no <release version=\"$VERSION\"> entry"

# --- Depends, from what the bundle's ELF files need and do not carry ------------------------------
# soname -> Debian dependency (alternatives for the t64 renames of Debian 13 / Ubuntu 24.04).
declare -A SONAME_PACKAGES=(
  [libc.so.6]=libc6 [libm.so.6]=libc6 [libdl.so.2]=libc6 [libpthread.so.0]=libc6
  [librt.so.1]=libc6 [libresolv.so.2]=libc6 [libutil.so.1]=libc6 [ld-linux-x86-64.so.2]=libc6
  [ld-linux-aarch64.so.1]=libc6
  [libGL.so.1]=libgl1 [libEGL.so.1]=libegl1 [libOpenGL.so.0]=libopengl0
  [libxcb.so.1]=libxcb1 [libxcb-icccm.so.4]=libxcb-icccm4 [libxcb-keysyms.so.1]=libxcb-keysyms1
  [libwayland-client.so.0]=libwayland-client0 [libwayland-cursor.so.0]=libwayland-cursor0
  [libwayland-egl.so.1]=libwayland-egl1
)
# Needed only by optional Qt plugins; Qt skips a plugin it cannot load (here: the GTK 3 theme).
declare -A SONAME_RECOMMENDS=(
  [libgtk-3.so.0]="libgtk-3-0t64 | libgtk-3-0" [libgdk-3.so.0]="libgtk-3-0t64 | libgtk-3-0"
)

ELF_FILES=()
while IFS= read -r -d '' candidate; do
  readelf -h "$candidate" >/dev/null 2>&1 && ELF_FILES+=("$candidate")
done < <(find "$BUNDLE" -type f \( -name '*.so*' -o -perm -u+x \) -print0)
[ "${#ELF_FILES[@]}" -gt 0 ] || die "no ELF files in $BUNDLE"
declare -A CARRIED=()
while IFS= read -r name; do CARRIED["$name"]=1; done < <(find "$BUNDLE" -type f -printf '%f\n')

declare -A DEPENDS=() RECOMMENDS=()
unmapped=()
glibc="2.17"
for elf in "${ELF_FILES[@]}"; do
  while IFS= read -r soname; do
    [ -n "${CARRIED[$soname]:-}" ] && continue
    if [ -n "${SONAME_PACKAGES[$soname]:-}" ]; then
      DEPENDS["${SONAME_PACKAGES[$soname]}"]=1
    elif [ -n "${SONAME_RECOMMENDS[$soname]:-}" ]; then
      RECOMMENDS["${SONAME_RECOMMENDS[$soname]}"]=1
    else
      unmapped+=("$soname (needed by ${elf#"$BUNDLE"/})")
    fi
  done < <(readelf -d "$elf" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  newest="$(readelf -V "$elf" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' |
    sort -V | tail -1 || true)"
  if [ -n "$newest" ]; then
    glibc="$(printf '%s\n%s\n' "$glibc" "$newest" | sort -V | tail -1)"
  fi
done
if [ "${#unmapped[@]}" -gt 0 ]; then
  printf '[build_deb]   %s\n' "${unmapped[@]}" >&2
  die "the libraries above are neither in the bundle nor in SONAME_PACKAGES: add them"
fi
unset 'DEPENDS[libc6]'
# tzdata: zoneinfo reads the system time zones on Linux (county_timezone);
# fonts-dejavu-core: Qt needs at least one system font through fontconfig.
others="$(printf '%s\n' "${!DEPENDS[@]}" tzdata fonts-dejavu-core | sort | paste -sd, | sed 's/,/, /g')"
depends="libc6 (>= $glibc), $others"
recommends="$(printf '%s\n' "${!RECOMMENDS[@]}" | sort | paste -sd, | sed 's/,/, /g')"

# --- the package tree -----------------------------------------------------------------------------
rm -rf "$STAGE"
PKG="$STAGE/root"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/metainfo" "$PKG/usr/share/doc/$PACKAGE"
cp -a "$BUNDLE" "$PKG/opt/girlscourt"
ln -s /opt/girlscourt/girlscourt "$PKG/usr/bin/girlscourt"
ln -s /opt/girlscourt/girlscourt-desktop "$PKG/usr/bin/girlscourt-desktop"
install -m 644 "$HERE/linux/$APP_ID.desktop" "$PKG/usr/share/applications/$APP_ID.desktop"
install -m 644 "$HERE/linux/$APP_ID.metainfo.xml" "$PKG/usr/share/metainfo/$APP_ID.metainfo.xml"
for png in "$ROOT"/resources/icons/girlscourt-*.png; do
  size="$(basename "$png" .png)"
  size="${size#girlscourt-}"
  install -D -m 644 "$png" "$PKG/usr/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done
install -D -m 644 "$ROOT/resources/icons/girlscourt.svg" \
  "$PKG/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
NOTICES=/opt/girlscourt/_internal/girlscourt/_resources/licenses
[ -f "$PKG$NOTICES/THIRD_PARTY_NOTICES.md" ] ||
  die "the bundle lacks $NOTICES/THIRD_PARTY_NOTICES.md"
cat >"$PKG/usr/share/doc/$PACKAGE/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Girls Court
Comment: The application bundles Python, Qt/PySide6 and other third-party software; their
 notices and licence texts are in $NOTICES
 (THIRD_PARTY_NOTICES.md, bundled-distributions.txt and one folder per distribution).

Files: *
Copyright: The Girls Court project
License: GPL-3.0-or-later
 On Debian systems the full text is in /usr/share/common-licenses/GPL-3; it is also
 shipped as $NOTICES/GPL-3.0.txt.
EOF
chmod -R u+rwX,go+rX,go-w "$PKG"

installed_kb="$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)"
{
  echo "Package: $PACKAGE"
  echo "Version: $DEB_VERSION"
  echo "Architecture: $ARCH"
  echo "Maintainer: Girls Court release engineering <release@girlscourt.invalid>"
  echo "Installed-Size: $installed_kb"
  echo "Depends: $depends"
  [ -n "$recommends" ] && echo "Recommends: $recommends"
  echo "Section: misc"
  echo "Priority: optional"
  echo "Description: case tracker for a Juvenile Justice Center and its Girls Court"
  echo " Intake and risk screening, detention clocks, referrals, contact restrictions"
  echo " and Girls Court dockets over one shared database (SQLite or PostgreSQL)."
  echo " Self-contained build: Python and Qt are bundled in /opt/girlscourt."
} >"$PKG/DEBIAN/control"
# Refresh the desktop menu and icon caches where the tools exist; never fail on them.
maintainer_script() {  # $1: the condition on the script's first argument
  cat <<EOF
#!/bin/sh
set -e
if $1; then
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
  fi
fi
exit 0
EOF
}
# shellcheck disable=SC2016 # $1 is the maintainer script's argument, written literally
maintainer_script '[ "$1" = configure ]' >"$PKG/DEBIAN/postinst"
# shellcheck disable=SC2016
maintainer_script '[ "$1" = remove ] || [ "$1" = purge ]' >"$PKG/DEBIAN/postrm"
chmod 755 "$PKG/DEBIAN/postinst" "$PKG/DEBIAN/postrm"

mkdir -p "$OUT"
DEB="$OUT/${PACKAGE}_${DEB_VERSION}_${ARCH}.deb"
rm -f "$DEB"
say "Depends: $depends"
[ -n "$recommends" ] && say "Recommends: $recommends"
# zstd -9: about 10 s for the ~270 MB bundle on 2 cores (xz -6 took 6 minutes for 15% less);
# dpkg reads zstd since Debian 12 and Ubuntu 21.10. gzip where this dpkg-deb lacks zstd.
if dpkg-deb --help 2>&1 | grep -q zstd; then comp=(-Zzstd -z9); else comp=(-Zgzip -z6); fi
dpkg-deb --root-owner-group "${comp[@]}" --build "$PKG" "$DEB" >&2
say "built $DEB ($(du -h "$DEB" | cut -f1))"
echo "$DEB"
