#!/bin/bash
# Prints the plugin log since marker "$1" (or all), one call per line: time path status body -> answer.
. "$(dirname "$0")/env.sh"
python3 - "$R/plugin.log" "${1:-}" "${2:-}" <<'PY'
import json, sys
log, mark, full = sys.argv[1], sys.argv[2], sys.argv[3]
on = not mark
for line in open(log):
    e = json.loads(line)
    if 'mark' in e:
        if on and mark and e['mark'] != mark: break
        if e['mark'] == mark: on = True
        if on: print('#####', e['mark'], e['t'])
        continue
    if not on: continue
    if 'event' in e: print(e['t'][11:23], 'EVENT', e['event'], e.get('pid')); continue
    b = json.dumps(e['body'], separators=(',', ':')) if full or e['body'] is None or len(json.dumps(e['body']))<400 else json.dumps(e['body'])[:400]+'…'
    print(e['t'][11:23], e['path'], e['status'], b, '->', json.dumps(e['answer'], separators=(',', ':')), ('NOTE ' + json.dumps(e['note'])) if 'note' in e else '')
PY
