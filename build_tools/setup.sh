#!/usr/bin/env bash
# Project set-up, idempotent and quick when already done:
#   1. system packages the pipeline needs (CJK fonts, Chromium, poppler, zbar):
#      installed with apt-get on Debian as root, otherwise the exact command is printed;
#   2. a virtual environment in .venv with this package installed (pip install -e .[test]),
#      reinstalled only when pyproject.toml changes;
#   3. the npm packages (axe-core, decap-cms, decap-server, js-yaml; pinned in
#      package-lock.json), with npm ci, again whenever node_modules does not match it.
# Under CI=true a missing system package or npm fails the run instead of being skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# package → a command or font that proves it is there
declare -A PROBES=(
  [fonts-noto-cjk]="font:Noto Serif CJK SC"
  [chromium]="cmd:chromium"
  [poppler-utils]="cmd:pdftoppm"
  [zbar-tools]="cmd:zbarimg"
  [nginx-light]="cmd:nginx"   # tests run examples/nginx.conf for real
)

present() {
  local probe=$1
  case $probe in
    cmd:*) command -v "${probe#cmd:}" >/dev/null 2>&1 || [[ -x /usr/sbin/${probe#cmd:} ]] ;;
    font:*) command -v fc-list >/dev/null 2>&1 && grep -q "${probe#font:}" <<<"$(fc-list)" ;;  # no pipe: grep -q would break it under pipefail
  esac
}

missing=()
for package in fonts-noto-cjk chromium poppler-utils zbar-tools nginx-light; do
  present "${PROBES[$package]}" || missing+=("$package")
done

if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: 正在安装系统软件包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" fontconfig >/dev/null
  else
    echo "setup: 缺少系统软件包：${missing[*]}" >&2
    echo "setup: 请运行：sudo apt-get install -y ${missing[*]}" >&2
    if [[ ${CI:-} == true ]]; then
      echo "setup: CI=true，缺少依赖时不能继续。" >&2
      exit 1
    fi
  fi
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "setup: 需要 Python 3.11 或更新版本（当前：$("$python" --version 2>&1)）；可用 PYTHON=python3.12 make … 指定" >&2
    exit 1
  fi
  echo "setup: 正在创建虚拟环境 .venv"
  "$python" -m venv .venv
fi

stamp=.venv/.setup-stamp
wanted=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [[ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
  echo "setup: 正在安装 Python 依赖（pyproject.toml 中固定的版本）"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
  echo "$wanted" > "$stamp"
fi

# 3. the npm packages (axe-core for the accessibility test; decap-cms, decap-server and
#    js-yaml for the web editor), pinned in package.json and package-lock.json, installed
#    into node_modules/ here with `npm ci`; nothing is fetched at run time. npm records
#    what it installed in node_modules/.package-lock.json: when that differs from
#    package-lock.json (a package added, removed or bumped), npm ci runs again.
npm_current() {
  [[ -f node_modules/.package-lock.json ]] || return 1
  # Both files list the same "packages" when node_modules matches the lock file
  # (npm's hidden lock file leaves out the root entry and some flags).
  node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync("package-lock.json")).packages || {};
    const have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json")).packages || {};
    const pick = p => Object.fromEntries(Object.entries(p).filter(([k]) => k)
      .map(([k, v]) => [k, [v.version, v.integrity || v.resolved || ""]]));
    const a = pick(want), b = pick(have);
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (!b[k] && want[k] && want[k].optional) continue;  // for another platform: fsevents
      if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) process.exit(1);
    }
  ' 2>/dev/null
}
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "setup: 缺少 node/npm，无法安装 package-lock.json 中的 npm 依赖（无障碍测试和网页编辑器需要）" >&2
  echo "setup: 请运行：sudo apt-get install -y npm && npm ci --no-audit --no-fund" >&2
  if [[ ${CI:-} == true ]]; then
    echo "setup: CI=true，缺少依赖时不能继续。" >&2
    exit 1
  fi
elif ! npm_current; then
  echo "setup: 正在安装 npm 依赖（package-lock.json 中固定的版本）"
  npm ci --no-audit --no-fund --loglevel=error
fi
