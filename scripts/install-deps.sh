#!/usr/bin/env bash
# Installs the Debian packages the lab needs, only when one is missing (a binary per package
# says so), so that a machine that has them all is never touched and needs no network.
# Used by .ci/run and scripts/demo.sh (ansible is for the benchmarks only). Needs root. The package list is the one `contiv lab up`
# checks for (src/lab/preflight.ts, DEBIAN_PACKAGES, PODMAN_PACKAGES and DOCKER_PACKAGES); keep them in step.
set -euo pipefail

PACKAGES=(openssh-server openvswitch-switch iproute2 nftables ethtool iputils-ping sudo util-linux procps
  # `contiv lab up --runtime podman`: podman (pulls conmon), runc (podman depends on crun | runc,
  # naming runc keeps crun out: crun fails in a lab host), a static busybox for the lab's image.
  # No containernetworking-plugins: each host has its own /opt/cni/bin.
  podman runc busybox-static
  # `contiv lab up --runtime docker`: Debian's docker.io brings dockerd 20.10 and containerd 1.6
  # (and its own client, which a newer /usr/local/bin/docker may shadow: either works).
  docker.io
  # The benchmarks (npm run bench): bench/plan-fleet compares contiv plan with an Ansible
  # playbook and Ansible's setup module over the same lab.
  ansible)
# A binary per package, to install only when something is missing.
declare -A PROBE=(
  [openssh-server]=/usr/sbin/sshd
  [openvswitch-switch]=/usr/sbin/ovs-vswitchd
  [iproute2]=/usr/sbin/ip
  [nftables]=/usr/sbin/nft
  [ethtool]=/usr/sbin/ethtool
  [iputils-ping]=/usr/bin/ping
  [sudo]=/usr/bin/sudo
  [util-linux]=/usr/bin/nsenter
  [procps]=/usr/bin/ps
  [podman]=/usr/bin/podman
  [runc]=/usr/sbin/runc
  # /bin/busybox alone could be Debian's dynamically linked busybox, useless in the image.
  [busybox-static]=/var/lib/dpkg/info/busybox-static.list
  # Not /usr/bin/docker: a standalone client elsewhere on the PATH says nothing about the daemon.
  [docker.io]=/usr/sbin/dockerd
  # What the bench runs (Debian's ansible depends on ansible-core, which brings it).
  [ansible]=/usr/bin/ansible-playbook
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: must run as root (it installs Debian packages; the lab makes network namespaces)" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  [ -e "${PROBE[$pkg]}" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing ${missing[*]}, and this is not a Debian-like system (no apt-get): install them yourself" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
# No systemd in CI containers: the Debian package may have started nothing, and the lab starts
# its own daemons; a system-wide ovs-vswitchd is not needed.
