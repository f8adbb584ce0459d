#!/usr/bin/env bash
# The CI pipeline of examples/ci, step by step, against a lab and a local bare Git repository
# (what GitHub Actions or GitLab CI would do with a hosted one):
#   1. an admin (ops) sets up the network repository: the lab's Fabric with `admins`, tenants
#      with `owners` (default: alice, blue: bob), signed commit, pushed to main; applied on merge;
#   2. bob opens a pull request changing blue's policy, signed: `contiv plan --base origin/main`
#      accepts it and prints the markdown comment, with the plan saved;
#   3. alice adds a commit to the same branch changing blue too: refused (not blue's owner);
#      it leaves the branch; the branch is merged (a merge commit signed by ops) and pushed;
#   4. on main: plan --out, then apply of exactly that plan, under the hosts' lock: every host
#      records the merge commit;
#   5. the schedule: a flow deleted by hand on h2, `contiv apply --repair --auto-approve` puts it
#      back, and a second run has nothing to do.
# Usage: scripts/ci-pipeline.sh FABRIC   (the lab's fabric.yaml; contiv is bin/contiv.js here)
# Needs git, ssh-keygen, and a running lab whose Fabric is FABRIC. Leaves nothing behind but
# what contiv applied on the lab hosts.
set -euo pipefail
FABRIC=${1:?usage: scripts/ci-pipeline.sh FABRIC}
HERE=$(cd "$(dirname "$0")/.." && pwd)
contiv() { node "$HERE/bin/contiv.js" "$@"; }
WORK=$(mktemp -d /tmp/contiv-pipeline.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
step() { printf '\n== %s\n' "$*"; }

mkdir "$WORK/keys"
for who in ops alice bob; do ssh-keygen -q -t ed25519 -N '' -C "$who" -f "$WORK/keys/$who"; done
key() { cut -d' ' -f1,2 "$WORK/keys/$1.pub"; }
# Each person's clone, signing as that person.
clone() {
  git clone -q "$WORK/origin.git" "$WORK/$1"
  git -C "$WORK/$1" config user.name "$1"
  git -C "$WORK/$1" config user.email "$1@example.org"
  git -C "$WORK/$1" config gpg.format ssh
  git -C "$WORK/$1" config user.signingkey "$WORK/keys/$1"
  git -C "$WORK/$1" config commit.gpgsign true
}

step "1. ops sets up the network repository"
git init -q --bare -b main "$WORK/origin.git"
clone ops
mkdir -p "$WORK/ops/network"
cp "$HERE"/examples/quickstart/{networks,groups,policies}.yaml "$WORK/ops/network/"
sed -e "s|^spec:|spec:\n  admins:\n    - { name: ops, key: \"$(key ops)\" }|" "$FABRIC" > "$WORK/ops/network/fabric.yaml"
cat > "$WORK/ops/network/tenants.yaml" <<YAML
apiVersion: contiv.io/v1
kind: Tenant
metadata:
  name: default
spec:
  owners:
    - { name: alice, key: "$(key alice)" }
---
apiVersion: contiv.io/v1
kind: Tenant
metadata:
  name: blue
spec:
  owners:
    - { name: bob, key: "$(key bob)" }
YAML
git -C "$WORK/ops" add -A
git -C "$WORK/ops" commit -q -m "The network, its admins and owners"
git -C "$WORK/ops" push -q origin main
contiv apply "$WORK/ops/network" --auto-approve

step "2. bob's pull request: blue's network gets a second one"
clone bob
git -C "$WORK/bob" switch -q -c blue-extra
cat >> "$WORK/bob/network/networks.yaml" <<YAML
---
apiVersion: contiv.io/v1
kind: Network
metadata:
  name: blue-extra
  tenant: blue
spec:
  subnet: 10.1.9.0/24
  gateway: 10.1.9.1
YAML
git -C "$WORK/bob" commit -q -am "blue: a second network"
git -C "$WORK/bob" push -q origin blue-extra
# The CI job of the pull request: the branch as checked out, planned against its base.
clone ci-pr
git -C "$WORK/ci-pr" switch -q blue-extra
contiv plan "$WORK/ci-pr/network" --base origin/main --format markdown --out "$WORK/pr.plan" > "$WORK/pr-comment.md"
grep -q 'Approvals' "$WORK/pr-comment.md"
echo "the pull request's comment: $(wc -c < "$WORK/pr-comment.md") characters"

step "3. alice pushes to bob's branch a change of blue: refused"
clone alice
git -C "$WORK/alice" switch -q blue-extra
sed -i 's/10.1.9.0\/24/10.1.8.0\/24/; s/10.1.9.1/10.1.8.1/' "$WORK/alice/network/networks.yaml"
git -C "$WORK/alice" commit -q -am "blue: another subnet"
git -C "$WORK/alice" push -q origin blue-extra
git -C "$WORK/ci-pr" pull -q
if contiv plan "$WORK/ci-pr/network" --base origin/main > "$WORK/refused.txt"; then echo "alice's change was not refused" >&2; exit 1; fi
grep -q 'rbac-refused' "$WORK/refused.txt"
echo "refused: $(grep -m1 'rbac-refused' "$WORK/refused.txt")"
# A revert by alice would touch blue again: her commit leaves the branch instead.
git -C "$WORK/alice" reset -q --hard HEAD~1
git -C "$WORK/alice" push -q --force origin blue-extra
git -C "$WORK/ci-pr" fetch -q origin
git -C "$WORK/ci-pr" reset -q --hard origin/blue-extra
contiv plan "$WORK/ci-pr/network" --base origin/main > /dev/null
echo "with alice's commit dropped from the branch: accepted"

step "4. merged by ops; on main: plan, then apply exactly that plan"
git -C "$WORK/ops" fetch -q origin
git -C "$WORK/ops" merge -q --no-ff -m "Merge blue-extra" origin/blue-extra
git -C "$WORK/ops" push -q origin main
clone ci-main
contiv plan "$WORK/ci-main/network" --out "$WORK/main.plan" > /dev/null
contiv apply "$WORK/main.plan"
MERGE=$(git -C "$WORK/ci-main" rev-parse HEAD)
contiv show "$WORK/ci-main/network" | grep -c "at commit $MERGE" | grep -qx 3
echo "every host at $MERGE"

step "5. the schedule: drift put back by apply --repair"
LAB=$(basename "$(dirname "$FABRIC")")
cookie=$(contiv lab exec --name "$LAB" h2 -- ovs-ofctl --no-stats dump-flows contiv0 table=0 | sed -n 's/.*cookie=\(0x[0-9a-f]*\).*/\1/p' | head -1)
contiv lab exec --name "$LAB" h2 -- ovs-ofctl del-flows contiv0 "cookie=$cookie/-1"
contiv apply "$WORK/ci-main/network" --repair --auto-approve | tee "$WORK/repair.txt"
grep -q 'Apply complete: 1 host changed.' "$WORK/repair.txt"
contiv apply "$WORK/ci-main/network" --repair --auto-approve | grep -q 'No changes'
contiv plan "$WORK/ci-main/network" | grep -q 'No changes. The hosts match the manifests.'
echo "pipeline: every step as expected"
