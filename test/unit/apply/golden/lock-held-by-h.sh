set -eu
command -v flock >/dev/null 2>&1 || { echo "flock is missing on this host (util-linux)" >&2; exit 127; }
exec 9>/run/contiv.lock
flock -w 7 9 || { holder=$(head -c 300 "/run/contiv.lock.holder" 2>/dev/null | tr -d '\000-\037\177' || true); pid=$(printf '%s' "$holder" | sed -n 's/.*, pid \([0-9][0-9]*\), since .*/\1/p'); holds=no; if [ -n "$pid" ] && [ -d "/proc/$pid/fd" ]; then for d in /proc/$pid/fd/*; do if [ "$(readlink "$d" 2>/dev/null || true)" = "/run/contiv.lock" ]; then holds=yes; fi; done; fi; if [ "$holds" != yes ]; then holder=; fi; echo "another contiv run holds /run/contiv.lock${holder:+: $holder}" >&2; exit 75; }
printf '%s, pid %s, since %s\n' 'h' "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > /run/contiv.lock.holder
echo CONTIV_LOCKED
cat >/dev/null
