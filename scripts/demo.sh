#!/usr/bin/env bash
# The demo (`npm run demo`): on a Debian machine, as root, from nothing to two isolated tenants.
#
#   1. installs the Debian packages the lab needs (only if one is missing), node_modules (only if
#      absent), builds contiv;
#   2. brings up the local lab (3 hosts; already up is fine) and applies examples/quickstart:
#      tenants default and blue, each with its own contiv-net 10.1.2.0/24;
#   3. makes containers and attaches them, both tenants using the SAME addresses on different hosts;
#   4. proves with real TCP and ping that each reaches its own tenant's container, never the
#      other's (a table: who answered);
#   5. the same with podman: containers started with `podman run --network contiv-net…` on the
#      hosts (contiv's CNI plugin gives them their endpoints), blue's network with the same
#      address, a db-group container only web-group reaches on tcp/5432; then `contiv plan`
#      says No changes.
#
# Run it again at will: it detaches and re-attaches its containers. The lab stays up afterwards.
# Exit status: 0 when every check passed, 1 otherwise.
# CONTIV_DEMO_LAB / CONTIV_DEMO_MGMT_SUBNET / CONTIV_DEMO_UNDERLAY_SUBNET run it on another lab.
set -euo pipefail
cd "$(dirname "$0")/.."

LAB=${CONTIV_DEMO_LAB:-contiv}
MGMT=${CONTIV_DEMO_MGMT_SUBNET:-198.18.0.0/24}
UNDERLAY=${CONTIV_DEMO_UNDERLAY_SUBNET:-198.19.0.0/24}
FABRIC="$HOME/.contiv/labs/$LAB/fabric.yaml"
MANIFESTS=examples/quickstart
PORT=7070

# name  host  tenant   address
CONTAINERS=(
  "web-1  h1 default 10.1.2.10"
  "web-2  h2 default 10.1.2.20"
  "web-3  h3 default 10.1.2.30"
  "blue-1 h1 blue    10.1.2.10"
  "blue-2 h3 blue    10.1.2.20"
)

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  BOLD=$'\e[1m' GREEN=$'\e[32m' RED=$'\e[31m' DIM=$'\e[2m' RESET=$'\e[0m'
else
  BOLD='' GREEN='' RED='' DIM='' RESET=''
fi
step() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
note() { printf '%s    %s%s\n' "$DIM" "$*" "$RESET"; }
die() { printf '%sdemo: %s%s\n' "$RED" "$*" "$RESET" >&2; exit 1; }

contiv() { node bin/contiv.js "$@"; }
lab() { contiv lab "$1" --name "$LAB" "${@:2}"; }

[ "$(id -u)" -eq 0 ] || die "run it as root: the lab makes network namespaces and starts daemons"
command -v node >/dev/null || die "Node.js 20 or later is needed (https://nodejs.org, or Debian's nodejs package)"

step "Installing what the lab needs"
scripts/install-deps.sh
note "Debian packages: present"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
note "contiv built (dist/)"

step "Bringing up the lab '$LAB': 3 hosts, each a network namespace with its own sshd, Open vSwitch and podman"
if ! up=$(lab up --mgmt-subnet "$MGMT" --underlay-subnet "$UNDERLAY" --runtime podman 2>&1); then
  case "$up" in
    *"not resized"*) note "the lab is up without podman: taking it down to rebuild it with podman"; lab down >/dev/null; lab up --mgmt-subnet "$MGMT" --underlay-subnet "$UNDERLAY" --runtime podman ;;
    *) die "lab up failed:
$up" ;;
  esac
else
  printf '%s\n' "$up"
fi

step "contiv apply $MANIFESTS --auto-approve"
contiv apply "$MANIFESTS" --fabric "$FABRIC" --auto-approve

# Stops whatever runs in a demo container (its listener from an earlier run): the processes in
# that namespace only, found by `ip netns pids` on its host.
stop_in() {
  local name=$1 host=$2 pids
  pids=$(lab exec "$host" -- ip netns pids "$name" 2>/dev/null || true)
  [ -z "$pids" ] || kill $pids 2>/dev/null || true
}

step "Containers: the same addresses in both tenants, on different hosts"
for c in "${CONTAINERS[@]}"; do
  read -r name host tenant ip <<<"$c"
  if lab exec "$name" -- true 2>/dev/null; then
    stop_in "$name" "$host"
    # From an earlier run: detach it (nothing to detach is fine), attach it again below.
    contiv detach "$MANIFESTS" --fabric "$FABRIC" --host "$host" --netns "$name" >/dev/null 2>&1 || true
  else
    lab run "$host" "$name" >/dev/null
  fi
done
for c in "${CONTAINERS[@]}"; do
  read -r name host tenant ip <<<"$c"
  printf '    contiv attach --host %s --netns %-6s --tenant %-7s --network contiv-net --ip %s\n' "$host" "$name" "$tenant" "$ip"
  out=$(contiv attach "$MANIFESTS" --fabric "$FABRIC" --host "$host" --netns "$name" --tenant "$tenant" --network contiv-net --ip "$ip" 2>&1) || die "attach $name failed:
$out"
  note "$out"
done

# A TCP server in every container that answers with the container's name, so the probe shows
# who answered; it exits by itself after two minutes.
LISTENER='
const net = require("node:net");
const [name, port] = process.argv.slice(1);
net.createServer((s) => { s.on("error", () => {}); s.end(name + "\n"); })
  .listen(Number(port), "0.0.0.0", () => process.stdout.write("listening\n"));
setTimeout(() => process.exit(0), 120000).unref();
'
PROBE='
const net = require("node:net");
const [ip, port] = process.argv.slice(1);
let data = "";
const s = net.connect({ host: ip, port: Number(port) });
const t = setTimeout(() => { process.stdout.write("no answer\n"); process.exit(1); }, 2000);
s.setEncoding("utf8");
s.on("data", (d) => { data += d; });
s.on("end", () => { clearTimeout(t); process.stdout.write(data.trim() + "\n"); process.exit(0); });
s.on("error", (e) => { clearTimeout(t); process.stdout.write((e.code || e.message) + "\n"); process.exit(1); });
'
LOGS=$(mktemp -d)
cleanup() {
  for c in "${CONTAINERS[@]}"; do
    read -r name host _ <<<"$c"
    stop_in "$name" "$host"
  done
  rm -rf "$LOGS"
}
trap cleanup EXIT
for c in "${CONTAINERS[@]}"; do
  read -r name host _ <<<"$c"
  lab exec "$name" -- node -e "$LISTENER" "$name" "$PORT" >"$LOGS/$name" 2>&1 &
done
for c in "${CONTAINERS[@]}"; do
  read -r name _ <<<"$c"
  for _ in $(seq 50); do grep -q listening "$LOGS/$name" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$LOGS/$name" || die "the listener in $name did not start: $(cat "$LOGS/$name")"
done

# A first packet to a new peer can be lost while userspace VXLAN resolves it: one retry.
tcp() {
  local from=$1 ip=$2 port=${3:-$PORT} out
  for _ in 1 2; do
    if out=$(lab exec "$from" -- node -e "$PROBE" "$ip" "$port" 2>/dev/null); then echo "$out answered"; return; fi
  done
  # Nobody answering ARP (EHOSTUNREACH) or SYN (timeout) is no answer; a refusal would be a host answering.
  case "${out:-}" in EHOSTUNREACH | "no answer" | "") echo "no answer" ;; *) echo "$out" ;; esac
}
ping_() {
  if lab exec "$1" -- ping -n -c 3 -i 0.3 -W 1 "$2" >/dev/null 2>&1; then echo "echo reply"; else echo "no reply"; fi
}

step "Who answers? TCP port $PORT and ping, from each tenant to the same addresses"
FAILED=0
ROWS=()
check() { # from kind ip expected
  local from=$1 kind=$2 ip=$3 expected=$4 observed verdict
  if [ "$kind" = tcp ]; then observed=$(tcp "$from" "$ip"); else observed=$(ping_ "$from" "$ip"); fi
  if [ "$observed" = "$expected" ]; then
    verdict="${GREEN}ok${RESET}"
  else
    verdict="${RED}FAIL${RESET}"; FAILED=$((FAILED + 1))
  fi
  local tenant c n t
  for c in "${CONTAINERS[@]}"; do read -r n _ t _ <<<"$c"; if [ "$n" = "$from" ]; then tenant=$t; fi; done
  ROWS+=("$(printf '%-7s %-8s %-10s %-5s %-16s %-16s %s' "$from" "$tenant" "$ip" "$kind" "$expected" "$observed" "$verdict")")
  printf '%s\n' "${ROWS[-1]}"
}
printf '%s%-7s %-8s %-10s %-5s %-16s %-16s %s%s\n' "$BOLD" FROM TENANT "TO IP" CHECK EXPECTED OBSERVED RESULT "$RESET"
check web-1  tcp  10.1.2.20 "web-2 answered"
check blue-1 tcp  10.1.2.20 "blue-2 answered"
check web-2  tcp  10.1.2.10 "web-1 answered"
check blue-2 tcp  10.1.2.10 "blue-1 answered"
check web-1  ping 10.1.2.20 "echo reply"
check blue-1 ping 10.1.2.20 "echo reply"
check web-1  tcp  10.1.2.30 "web-3 answered"
check blue-1 tcp  10.1.2.30 "no answer"
check blue-2 ping 10.1.2.30 "no reply"
note "10.1.2.10 and 10.1.2.20 exist in both tenants: each container reached its own tenant's."
note "10.1.2.30 exists only in tenant default: blue never reaches it."

step "The same with podman: containers ask contiv's CNI plugin for their endpoints"
# name   host network          address     port
PODS=(
  "pweb1  h1 web-group        -           8080"
  "pdb2   h2 db-group         -           5432"
  "pblue2 h2 contiv-net.blue  =pdb2       5432"
  "pblue1 h1 contiv-net.blue  -           8080"
)
pod_ip() { lab exec "$1" -- podman inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$2"; }
declare -A POD_IP POD_HOST
for p in "${PODS[@]}"; do
  read -r name host network ip port <<<"$p"
  lab exec "$host" -- podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
done
for p in "${PODS[@]}"; do
  read -r name host network ip port <<<"$p"
  args=(--network "$network")
  [ "$ip" = - ] || args+=(--ip "${POD_IP[${ip#=}]}")
  printf '    %s: podman run -d --name %s %s localhost/contiv-lab:latest (nc answers %s on %s)\n' "$host" "$name" "${args[*]}" "$name" "$port"
  lab exec "$host" -- podman run -d --name "$name" "${args[@]}" localhost/contiv-lab:latest \
    sh -c "while true; do echo $name | nc -l -p $port; done" >/dev/null || die "podman run $name failed"
  POD_IP[$name]=$(pod_ip "$host" "$name")
  POD_HOST[$name]=$host
  note "$name on $host: ${POD_IP[$name]} (from contiv-cni)"
done
# TCP from a podman container: node in its network namespace, entered from its host.
ptcp() { # from ip port
  local from=$1 ip=$2 port=$3 host=${POD_HOST[$1]} netns out
  netns=$(lab exec "$host" -- podman inspect --format '{{.NetworkSettings.SandboxKey}}' "$from")
  for _ in 1 2; do
    if out=$(lab exec "$host" -- nsenter --net="$netns" node -e "$PROBE" "$ip" "$port" 2>/dev/null); then echo "$out answered"; return; fi
  done
  case "${out:-}" in EHOSTUNREACH | "no answer" | "") echo "no answer" ;; *) echo "$out" ;; esac
}
pcheck() { # from to-name port expected
  local from=$1 to=$2 port=$3 expected=$4 observed verdict ip=${POD_IP[$2]}
  observed=$(ptcp "$from" "$ip" "$port")
  if [ "$observed" = "$expected" ]; then verdict="${GREEN}ok${RESET}"; else verdict="${RED}FAIL${RESET}"; FAILED=$((FAILED + 1)); fi
  printf '%-7s %-14s %-10s %-9s %-16s %-16s %s\n' "$from" "$to" "$ip" "tcp/$port" "$expected" "$observed" "$verdict"
}
printf '%s%-7s %-14s %-10s %-9s %-16s %-16s %s%s\n' "$BOLD" FROM TO "TO IP" CHECK EXPECTED OBSERVED RESULT "$RESET"
pcheck pweb1  pdb2   5432 "pdb2 answered"
pcheck pblue1 pblue2 5432 "pblue2 answered"
pcheck pblue1 pdb2   5432 "pblue2 answered"
pcheck pdb2   pweb1  8080 "pweb1 answered"
# An endpoint without a group (web-1, attached above) is not web-group: db-policy denies it tcp.
out=$(tcp web-1 "${POD_IP[pdb2]}" 5432); expected="no answer"
if [ "$out" = "$expected" ]; then v="${GREEN}ok${RESET}"; else v="${RED}FAIL${RESET}"; FAILED=$((FAILED + 1)); fi
printf '%-7s %-14s %-10s %-9s %-16s %-16s %s\n' web-1 pdb2 "${POD_IP[pdb2]}" tcp/5432 "$expected" "$out" "$v"
note "pblue2 has pdb2's very address in tenant blue: blue reaches pblue2 there, web-group reaches pdb2."

step "contiv plan $MANIFESTS"
plan=$(contiv plan "$MANIFESTS" --fabric "$FABRIC" --detailed-exitcode) && plan_rc=0 || plan_rc=$?
printf '%s\n' "$plan" | tail -n 1
if [ "$plan_rc" -ne 0 ]; then
  printf '%s\n' "$plan"
  FAILED=$((FAILED + 1))
fi

echo
if [ "$FAILED" -eq 0 ]; then
  printf '%sThe demo passed: every check matched.%s\n' "$GREEN$BOLD" "$RESET"
else
  printf '%sThe demo FAILED: %d check(s) did not match.%s\n' "$RED$BOLD" "$FAILED" "$RESET"
fi
NAME_OPT=$([ "$LAB" = contiv ] || echo " --name $LAB")
cat <<EOF

The lab stays up for you to play with:
  node bin/contiv.js lab status$NAME_OPT
  node bin/contiv.js lab exec$NAME_OPT blue-1 -- ping -c 2 10.1.2.20
  node bin/contiv.js show $MANIFESTS --fabric $FABRIC
Take it down with:
  node bin/contiv.js lab down$NAME_OPT
EOF
[ "$FAILED" -eq 0 ]
