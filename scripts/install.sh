#!/usr/bin/env bash
# HallQ installer of a hall server (Debian 12, x86_64), run from the unpacked offline
# bundle (`make bundle`) as root. Nothing is fetched from outside.
#
#   ./install.sh               install; run again with a newer bundle: upgrade in place
#                              (a backup first, the new code beside the old, migrations at start)
#   ./install.sh --rollback    back to the release installed before the last one
#
#   --prefix DIR     everything under DIR (DIR/opt/hallq, DIR/etc/hallq, DIR/var/lib/hallq),
#                    owned by whoever runs it, no system user: for tests and trials
#   --no-systemd     no systemd units installed, enabled or restarted
#   --python PATH    the Python 3.11 of the venv (default /usr/bin/python3.11)
#
# Layout: /opt/hallq/releases/<release>-<installed at>/ is one venv per install,
# /opt/hallq/current and /opt/hallq/previous point at two of them (older ones go);
# /etc/hallq/hallq.env (mode 600: the session key) and /etc/hallq/hall.toml;
# /var/lib/hallq holds the database, the voice clips and backups/.
set -euo pipefail
umask 022

step() { printf '\n== %s\n' "$*"; }
die() {
  printf '\n安装停止 / installation stopped: %s\n' "$*" >&2
  exit 1
}

PREFIX="" SYSTEMD=1 ROLLBACK=0 PYTHON=/usr/bin/python3.11
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix DIR"; PREFIX=$(realpath -m "$2"); shift 2 ;;
    --prefix=*) PREFIX=$(realpath -m "${1#*=}"); shift ;;
    --no-systemd) SYSTEMD=0; shift ;;
    --rollback) ROLLBACK=1; shift ;;
    --python) [ $# -ge 2 ] || die "--python PATH"; PYTHON=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "未知选项 / unknown option: $1 (see --help)" ;;
  esac
done

BUNDLE=$(cd "$(dirname "$0")" && pwd)
OPT=$PREFIX/opt/hallq ETC=$PREFIX/etc/hallq VAR=$PREFIX/var/lib/hallq
UNITS=$PREFIX/etc/systemd/system
if [ -z "$PREFIX" ]; then
  [ "$(id -u)" -eq 0 ] || die "请以 root 身份运行 / run as root (or give --prefix DIR)"
  OWNER=hallq
else
  OWNER=$(id -un)
fi
STAMP=$(date +%Y%m%d-%H%M%S)

# /usr/local/bin/hallq: HallQ's command as the hub's user with the hub's settings and
# nothing else (HALLQ_CODE: another release's; install.sh uses it before switching).
WRAPPER=$PREFIX/usr/local/bin/hallq
write_wrapper() {
  mkdir -p "$(dirname "$WRAPPER")"
  cat >"$WRAPPER" <<WRAPPER
#!/usr/bin/env bash
# HallQ's command for the IT staff, written by install.sh: runs as user $OWNER with the
# hub's settings ($ETC/hallq.env), e.g. \`hallq doctor\`, \`hallq staff add NAME --role staff\`.
set -euo pipefail
mapfile -t settings < <(grep -E '^[A-Z_][A-Z0-9_]*=' $ETC/hallq.env)
run=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=$VAR "\${settings[@]}"
  "\${HALLQ_CODE:-$OPT/current}/bin/hallq" "\$@")
if [ "\$(id -un)" != $OWNER ]; then run=(runuser -u $OWNER -- "\${run[@]}"); fi
umask 027 # the database, its backups and logs hold taxpayers' data
exec "\${run[@]}"
WRAPPER
  chmod 755 "$WRAPPER"
}

hallq() { # hallq RELEASE ARGS…: that release's command through the wrapper
  local release=$1
  shift
  (cd "$VAR" && HALLQ_CODE=$release "$WRAPPER" "$@")
}

setting() { sed -n "s/^$1=//p" "$ETC/hallq.env" | tail -n 1; }

restart_hub() {
  if [ "$SYSTEMD" -eq 1 ]; then
    step "启动服务 / starting hallq.service (migrations run at start)"
    systemctl restart hallq.service
    systemctl --no-pager --lines=0 status hallq.service || true
  fi
}

switch_to() { # current -> $1, previous -> $2 (relative links: the tree may move)
  [ -z "${2:-}" ] || ln -sfn "releases/$(basename "$2")" "$OPT/previous"
  ln -sfn "releases/$(basename "$1")" "$OPT/current.new"
  mv -T "$OPT/current.new" "$OPT/current"
}

if [ "$ROLLBACK" -eq 1 ]; then
  [ -L "$OPT/previous" ] && [ -L "$OPT/current" ] ||
    die "没有上一个版本 / there is no previous release to go back to"
  back=$(readlink -f "$OPT/previous") now=$(readlink -f "$OPT/current")
  step "回退 / rolling back from $(basename "$now") to $(basename "$back")"
  set +e
  hallq "$back" db check
  schema=$?
  set -e
  if [ "$schema" -eq 2 ]; then
    before=$(ls -1t "$VAR"/backups/*-before-*.db 2>/dev/null | head -n 1)
    die "新版本已升级了数据库结构 / the newer release migrated the database, which the previous
  one cannot read. Stop the hub, restore the backup taken before the upgrade, then roll back:
    systemctl stop hallq; HALLQ_CODE=$back $WRAPPER restore ${before:-<the backup before the upgrade>}
    $0 --rollback"
  fi
  switch_to "$back" "$now"
  restart_hub
  printf '\n已回退 / rolled back: %s is current, %s kept as previous\n' \
    "$(basename "$back")" "$(basename "$now")"
  exit 0
fi

release=$(sed -n 's/^release: //p' "$BUNDLE/MANIFEST")
[ -n "$release" ] || die "$BUNDLE/MANIFEST 不是 HallQ 安装包 / is no HallQ bundle's"
version=${release%%+*}

step "检查安装包 / checking the bundle: HallQ $release"
(cd "$BUNDLE" && grep -E '^[0-9a-f]{64}  ' MANIFEST | awk '{ print $1 "  " $3 }' |
  sha256sum --check --quiet --strict) ||
  die "安装包不完整或已损坏，请重新拷贝 / the bundle is incomplete or damaged: copy it again"

step "检查系统软件包 / checking Debian packages"
packages=(python3.11-venv espeak-ng sox fonts-wqy-zenhei)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed ||
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "缺少 / missing: ${missing[*]}"
  available=1
  for package in "${missing[@]}"; do
    apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]' || available=0
  done
  if [ "$available" -eq 1 ] && [ "$(id -u)" -eq 0 ]; then
    echo "从本机的软件源安装 / installing them from this machine's own apt sources"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" ||
      die "apt-get install ${missing[*]} 失败 / failed"
  else
    die "请先安装 / install first (from the hall's Debian mirror or DVD): apt-get install ${missing[*]}"
  fi
fi
echo "齐全 / present: ${packages[*]}"
dpkg-query -W -f='${db:Status-Status}' chromium 2>/dev/null | grep -qx installed ||
  echo "注意 / note: 取号机和显示屏 PC 另需 chromium cage fonts-noto-cjk (kiosk and display PCs, not this server)"
[ -x "$PYTHON" ] && "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' ||
  die "$PYTHON 不是 Python 3.11 / is not Python 3.11 (apt-get install python3.11-venv)"

step "用户和目录 / user and folders"
if [ -z "$PREFIX" ] && ! id -u "$OWNER" >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/hallq --shell /usr/sbin/nologin "$OWNER"
  echo "用户 / user $OWNER created"
fi
mkdir -p "$OPT/releases" "$ETC" "$VAR/backups"
chown "$OWNER:" "$VAR" "$VAR/backups"
chmod 750 "$VAR" "$VAR/backups"
write_wrapper

new=$OPT/releases/$release-$STAMP
step "安装程序 / installing the code into $new"
"$PYTHON" -m venv "$new"
"$new/bin/pip" --isolated --disable-pip-version-check install --quiet --no-index \
  --no-cache-dir --find-links "$BUNDLE/wheels" "hallq==$version" ||
  { rm -rf "$new"; die "pip 安装失败 / pip could not install the wheels"; }
cp -r "$BUNDLE/README.md" "$BUNDLE/docs" "$BUNDLE/MANIFEST" "$new/"

first=0
if [ ! -e "$ETC/hallq.env" ]; then
  first=1
  step "配置 / settings: $ETC/hallq.env (mode 600, a new session key)"
  key=$("$new/bin/python" -c 'import secrets; print(secrets.token_hex(32))')
  (
    umask 077
    sed -e "s|^HALLQ_SECRET_KEY=.*|HALLQ_SECRET_KEY=$key|" \
      -e "s|^HALLQ_DATABASE_URL=sqlite:.*|HALLQ_DATABASE_URL=sqlite:///$VAR/hallq.db|" \
      -e "s|^HALLQ_VAR_DIR=.*|HALLQ_VAR_DIR=$VAR|" \
      -e "s|^HALLQ_PUBLIC_URL=|#HALLQ_PUBLIC_URL=|" \
      "$BUNDLE/systemd/hallq.env.example" >"$ETC/hallq.env"
  )
  chown "$OWNER:" "$ETC/hallq.env"
fi
if [ ! -e "$ETC/hall.toml" ]; then
  step "大厅 / the hall: $ETC/hall.toml (the demo hall's services, windows and devices: edit it)"
  "$new/bin/hallq" hall starter "$ETC/hall.toml"
fi

old=""
if [ -L "$OPT/current" ]; then
  old=$(readlink -f "$OPT/current")
  step "升级前备份 / backup before the upgrade from $(basename "$old")"
  case "$(setting HALLQ_DATABASE_URL)" in
    sqlite:*) hallq "$old" backup "$VAR/backups/hallq-$STAMP-before-$release.db" ;;
    *) echo "PostgreSQL: 请先用 pg_dump 备份 / take a pg_dump first (docs/OPERATIONS.md)" ;;
  esac
else
  step "数据库 / the database"
  hallq "$new" db upgrade
  hallq "$new" hall load "$ETC/hall.toml"
fi

step "语音 / voice clips"
hallq "$new" voice build --out "$VAR/voice"

password=""
if [ -z "$old" ]; then
  added=$(hallq "$new" staff add admin --role admin --name 管理员 --one-time) &&
    password=${added##*one-time password: }
fi

switch_to "$new" "$old"
for stale in "$OPT"/releases/*; do
  case "$(readlink -f "$stale")" in
    "$(readlink -f "$OPT/current")" | "$(readlink -f "$OPT/previous" 2>/dev/null)") ;;
    *) rm -rf "$stale" ;;
  esac
done

if [ "$SYSTEMD" -eq 1 ]; then
  step "systemd: $UNITS"
  mkdir -p "$UNITS"
  for unit in hallq.service hallq-backup.service hallq-backup.timer; do
    sed -e "s|/opt/hallq|$OPT|g" -e "s|/etc/hallq|$ETC|g" -e "s|/var/lib/hallq|$VAR|g" \
      "$BUNDLE/systemd/$unit" >"$UNITS/$unit"
  done
  systemctl daemon-reload
  systemctl enable hallq.service
  case "$(setting HALLQ_DATABASE_URL)" in
    sqlite:*) systemctl enable --now hallq-backup.timer ;;
    *) echo "PostgreSQL: 夜间备份请用 pg_dump / back up nightly with pg_dump (docs/OPERATIONS.md)" ;;
  esac
fi
restart_hub

step "完成 / done: HallQ $release"
echo "程序 / code:      $OPT/current -> $(readlink "$OPT/current")"
[ -z "$old" ] || echo "上一版本 / previous: $OPT/previous (./install.sh --rollback)"
echo "配置 / settings:  $ETC/hallq.env, $ETC/hall.toml (then: hallq hall load $ETC/hall.toml)"
echo "数据 / data:      $VAR"
echo "命令 / command:   $WRAPPER (runs as $OWNER with the hub's settings: hallq doctor, hallq staff …)"
[ "$SYSTEMD" -eq 1 ] || echo "启动 / start:     $WRAPPER run"
if [ -n "$password" ]; then
  echo
  echo "管理员首次登录 / the administrator's first login: admin / $password"
  echo "  (一次性密码：首次登录时须设置自己的密码 / one-time: the first login sets a password of one's own)"
fi
if [ "$first" -eq 1 ]; then
  echo
  echo "各屏幕的注册链接 (一次性, $(setting HALLQ_ENROL_LINK_HOURS | grep . || echo 24) 小时内有效) / the screens' one-time enrolment links:"
  hallq "$new" device enrol --all
fi
