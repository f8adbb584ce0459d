set -eu
f=/run/contiv.lock
exec 9>>"$f"
if flock -n 9; then echo free; exit 0; fi
holder=$(head -c 300 "/run/contiv.lock.holder" 2>/dev/null | tr -d '\000-\037\177' || true); pid=$(printf '%s' "$holder" | sed -n 's/.*, pid \([0-9][0-9]*\), since .*/\1/p'); holds=no; if [ -n "$pid" ] && [ -d "/proc/$pid/fd" ]; then for d in /proc/$pid/fd/*; do if [ "$(readlink "$d" 2>/dev/null || true)" = "/run/contiv.lock" ]; then holds=yes; fi; done; fi;
if [ "$holds" != yes ]; then echo "the lock is held by a process contiv did not record${holder:+ (the record says: $holder)}" >&2; exit 3; fi
pkill -TERM -P "$pid" 2>/dev/null || true
kill -TERM "$pid" 2>/dev/null || true
if flock -w 10 9; then echo "released: $holder"; exit 0; fi
echo "the holder (pid $pid) did not let go within 10 s" >&2; exit 1
