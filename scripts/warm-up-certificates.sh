#!/usr/bin/env bash
# Makes the public certificates server/src/lsp/warmUp.ts embeds: an RSA and an ECDSA CA, each with a client
# certificate it signed. The keys live in a temporary folder and are deleted: only certificates are printed.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
days=3650
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa-ca.key -subj '/CN=kubecert-warm-up-rsa-ca/O=kubecert' -days $days \
  -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature' -out rsa-ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout rsa-client.key -subj '/CN=warm-up-admin/O=system:masters' -out rsa-client.csr 2>/dev/null
printf 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in rsa-client.csr -CA rsa-ca.crt -CAkey rsa-ca.key -CAcreateserial -days $days -extfile client.ext -out rsa-client.crt 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec-ca.key -subj '/CN=kubecert-warm-up-ec-ca/O=kubecert' -days $days \
  -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature' -out ec-ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec-client.key -subj '/CN=warm-up-dev/O=developers/OU=system:masters' -out ec-client.csr 2>/dev/null
printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > client-ec.ext
openssl x509 -req -in ec-client.csr -CA ec-ca.crt -CAkey ec-ca.key -CAcreateserial -days $days -extfile client-ec.ext -out ec-client.crt 2>/dev/null
for c in rsa-ca rsa-client ec-ca ec-client; do
  printf '%s: %s\n' "$c" "$(grep -v -- '-----' "$c.crt" | tr -d '\n')"
done
