#!/usr/bin/env bash
# Writes a small PKI into $1 with the openssl CLI, in the formats people really have:
# root -> intermediate -> RSA and ECDSA leaves, keys as PKCS#8, PKCS#1 and SEC1, plain and encrypted,
# SNI leaves, a client CA with a client certificate, and broken material for the validation tests.
set -euo pipefail
cd "$1"
PASS=s3cret-pass
SUBJ_LEAF="/O=Berth test/CN=localhost"

ext() { # name, SANs, [extended key usage]
  printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\nsubjectAltName=%s\n' \
    "${3:-serverAuth}" "$2" > "$1.ext"
}
ca_ext() { printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca.ext; }

# Root and intermediate (ECDSA P-256).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.crt \
  -subj "/O=Berth test/CN=Berth Test Root" -days 3650 -addext basicConstraints=critical,CA:true \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
ca_ext
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout inter.key -out inter.csr \
  -subj "/O=Berth test/CN=Berth Test Intermediate" 2>/dev/null
openssl x509 -req -in inter.csr -CA root.crt -CAkey root.key -CAcreateserial -days 3650 -extfile ca.ext \
  -out inter.crt 2>/dev/null

leaf() { # name, key file, SANs, [EKU], [CA cert], [CA key]
  local name=$1 key=$2
  ext "$name" "$3" "${4:-serverAuth}"
  openssl req -new -key "$key" -out "$name.csr" -subj "/O=Berth test/CN=${name}" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA "${5:-inter.crt}" -CAkey "${6:-inter.key}" -CAcreateserial -days 365 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
}

SAN_LOCAL="DNS:localhost,IP:127.0.0.1,IP:::1"

# RSA leaf: PKCS#8 plain as genpkey writes it, then every other form of the same key.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
leaf rsa rsa.key "$SAN_LOCAL"
cat rsa.crt inter.crt > rsa-chain.pem
openssl pkcs8 -topk8 -v2 aes256 -in rsa.key -passout pass:$PASS -out rsa-pkcs8-enc.key
openssl rsa -in rsa.key -traditional -out rsa-pkcs1.key 2>/dev/null
openssl rsa -in rsa.key -traditional -aes256 -passout pass:$PASS -out rsa-pkcs1-enc.key 2>/dev/null
cat rsa-chain.pem rsa.key > rsa-chain-and-key.pem

# ECDSA leaf: SEC1 as ecparam writes it (with its EC PARAMETERS block), then PKCS#8 plain and encrypted.
openssl ecparam -name prime256v1 -genkey -out ec-sec1.key
leaf ec ec-sec1.key "$SAN_LOCAL"
cat ec.crt inter.crt > ec-chain.pem
openssl ec -in ec-sec1.key -aes256 -passout pass:$PASS -out ec-sec1-enc.key 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in ec-sec1.key -out ec-pkcs8.key
openssl pkcs8 -topk8 -v2 aes256 -in ec-sec1.key -passout pass:$PASS -out ec-pkcs8-enc.key

# SNI leaves: an exact name and a wildcard.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out sni-a.key 2>/dev/null
leaf a.example.com sni-a.key "DNS:a.example.com"
cat a.example.com.crt inter.crt > sni-a-chain.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out sni-wild.key 2>/dev/null
leaf wild.b.example.com sni-wild.key "DNS:*.b.example.com"
cat wild.b.example.com.crt inter.crt > sni-wild-chain.pem

# Client certificates: their own CA, one client.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client-ca.key -out client-ca.crt \
  -subj "/O=Berth test/CN=Berth Client CA" -days 3650 -addext basicConstraints=critical,CA:true \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out alice.key 2>/dev/null
leaf alice alice.key "DNS:alice.example.com" clientAuth client-ca.crt client-ca.key

# Broken material.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key 2>/dev/null
cat inter.crt rsa.crt > reversed-chain.pem
cat rsa.crt inter.crt root.crt > chain-with-root.pem
: > empty.pem
echo "this is not a certificate" > not-pem.pem
openssl x509 -in rsa.crt -outform DER -out rsa.der

# Leaves outside their validity period, signed with `openssl ca` (the only 3.0 tool that sets dates).
mkdir -p ca-db && : > ca-db/index.txt && echo 1000 > ca-db/serial
cat > ca.cnf <<CNF
[ ca ]
default_ca = test
[ test ]
dir = ca-db
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = copy
[ anything ]
commonName = supplied
organizationName = optional
CNF
dated() { # name, start, end
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/O=Berth test/CN=$1" -addext "subjectAltName=$SAN_LOCAL" 2>/dev/null
  openssl ca -batch -config ca.cnf -cert inter.crt -keyfile inter.key -startdate "$2" -enddate "$3" \
    -in "$1.csr" -out "$1.crt" 2>/dev/null
  openssl x509 -in "$1.crt" -out "$1.crt" # drop the text dump openssl ca puts first
  cat "$1.crt" inter.crt > "$1-chain.pem"
}
dated expired 20200101000000Z 20210101000000Z
dated future 20990101000000Z 21000101000000Z
echo "$PASS" > passphrase.txt
