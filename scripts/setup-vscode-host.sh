#!/usr/bin/env bash
# Installs the real VS Code that Groundwork's end-to-end tests and `npm start` use: code-server
# (VS Code in the browser) from the npm registry alone, on a Node 24 binary from the `node@24`
# package, plus Debian's chromium to drive it headless (skipped with --no-browser).
#
# Why it looks like this: code-server's own postinstall fetches things a closed network does not
# serve, so it is installed with scripts off, and only the native modules VS Code's server needs are
# rebuilt. Idempotent: a finished install is marked `ready` and a second run returns at once.
# Prints the launcher's path on its last line.
set -euo pipefail

version=${CODE_SERVER_VERSION:-4.139.1}
dir=${GROUNDWORK_VSCODE_HOST_DIR:-$HOME/.cache/groundwork/vscode-host-$version}
launcher=$dir/bin/code-server
want_browser=1
[[ ${1:-} == --no-browser ]] && want_browser=0

quiet() { "$@" >/dev/null 2>&1 || { echo "setup-vscode-host: failed: $*" >&2; "$@" >&2 || true; exit 1; }; }
say() { echo "setup-vscode-host: $*" >&2; }

if (( want_browser )) && ! command -v chromium >/dev/null; then
  say "installing Debian's chromium"
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
fi

if [[ -f $dir/ready ]]; then echo "$launcher"; exit 0; fi

say "installing code-server $version into $dir (a few minutes, once)"
rm -rf "$dir" && mkdir -p "$dir/node" "$dir/bin"
cd "$dir/node"
quiet npm init -y
quiet npm install --no-audit --no-fund node@24
node24=$dir/node/node_modules/node/bin/node
"$node24" --version >/dev/null

cd "$dir"
export PATH=$dir/node/node_modules/.bin:$PATH
tarball=$(npm pack --silent "code-server@$version" 2>/dev/null | tail -n 1)
mkdir -p code-server && tar xzf "$tarball" -C code-server --strip-components=1 && rm -f "$tarball"

cd "$dir/code-server"
quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund
quiet npm rebuild argon2
cd lib/vscode
quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund
# The native modules VS Code's server loads; kerberos is left out (it needs libkrb5 headers, and
# nothing here uses it).
for module in node-pty @parcel/watcher @vscode/spdlog @vscode/native-watchdog @vscode/deviceid @vscode/sqlite3 @vscode/fs-copyfile; do
  quiet npm rebuild "$module"
done
ln -sfn node_modules node_modules.asar
# The built-in TypeScript features need the shared typescript package under extensions/; without
# it VS Code reports that tsserver was deleted.
cd extensions
quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund
quiet "$node24" postinstall.mjs

printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$node24" "$dir/code-server/out/node/entry.js" >"$launcher"
chmod +x "$launcher"
"$launcher" --version >/dev/null
touch "$dir/ready"
say "done"
echo "$launcher"
