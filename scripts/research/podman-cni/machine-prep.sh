#!/bin/sh
# Once per machine, in the root namespace: the mount points the per-host bind mounts need.
# (/etc/cni/net.d already exists: the podman package ships 87-podman-bridge.conflist there.)
set -eu
mkdir -p /var/lib/containers /var/lib/cni /opt/cni/bin /etc/cni/net.d
[ -e /etc/containers/containers.conf ] || : > /etc/containers/containers.conf
