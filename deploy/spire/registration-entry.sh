#!/bin/sh
# The same registration without the controller manager: one entry on the SPIRE server, selecting the silo pods by
# namespace and service account, parented to the nodes' agents. Adjust the trust domain and the parent ID to yours.
set -eu
TRUST_DOMAIN=${TRUST_DOMAIN:-nsm.example.org}
kubectl exec -n spire spire-server-0 -- \
  /opt/spire/bin/spire-server entry create \
    -spiffeID "spiffe://${TRUST_DOMAIN}/ns/nsm-healing/sa/default" \
    -parentID "spiffe://${TRUST_DOMAIN}/ns/spire/sa/spire-agent" \
    -selector k8s:ns:nsm-healing \
    -selector k8s:sa:default \
    -x509SVIDTTL 3600
