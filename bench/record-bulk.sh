#!/usr/bin/env bash
# Records bench/bulk.pcapng: bulk downloads (HTTP and HTTPS, 262 KB each) between two
# network namespaces joined by a veth pair, with segmentation offloads off so the capture
# holds real 1514-byte frames. The benchmark generator mixes it with the course captures
# so the big benchmark file has realistic frame sizes. Run as root; traffic never leaves
# the namespaces. Needs ip, ethtool, dumpcap, python3, openssl, curl (apt-get installs
# iproute2 ethtool tshark python3 openssl curl).
set -euo pipefail
cd "$(dirname "$0")"

SRV=10.20.30.10
CLI=10.20.30.21
tmp=$(mktemp -d)
cleanup() {
    for ns in wl-bench-srv wl-bench-cli; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add wl-bench-srv
ip netns add wl-bench-cli
ip link add eth0 netns wl-bench-srv address 00:0c:29:5e:10:0a type veth peer name eth0 netns wl-bench-cli address 00:50:56:a1:10:15
for ns in wl-bench-srv wl-bench-cli; do
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$ns" ethtool -K eth0 tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
done
ip -n wl-bench-srv addr add "$SRV/24" dev eth0
ip -n wl-bench-cli addr add "$CLI/24" dev eth0
ip -n wl-bench-srv link set eth0 up
ip -n wl-bench-cli link set eth0 up

mkdir -p "$tmp/www"
head -c 196608 /dev/urandom | base64 -w 76 >"$tmp/www/report.txt"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=files.wirelab.test" \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null

(cd "$tmp/www" && exec ip netns exec wl-bench-srv python3 -m http.server 80 --bind "$SRV") >"$tmp/http.log" 2>&1 &
(cd "$tmp/www" && exec ip netns exec wl-bench-srv openssl s_server -quiet -WWW -accept 443 \
    -cert "$tmp/cert.pem" -key "$tmp/key.pem") >"$tmp/https.log" 2>&1 &
for port in 80 443; do
    for _ in $(seq 50); do
        ip netns exec wl-bench-srv ss -Hlnt "sport = :$port" | grep -q . && break
        sleep 0.1
    done
done

ip netns exec wl-bench-cli dumpcap -q -i eth0 -w "$tmp/bulk.pcapng" &
dumpcap_pid=$!
sleep 1
ip netns exec wl-bench-cli curl -s -o /dev/null "http://$SRV/report.txt"
ip netns exec wl-bench-cli curl -s -k -o /dev/null --resolve "files.wirelab.test:443:$SRV" \
    "https://files.wirelab.test/report.txt"
sleep 1
kill "$dumpcap_pid"
wait "$dumpcap_pid" 2>/dev/null || true
cp "$tmp/bulk.pcapng" bulk.pcapng
capinfos -c -d bulk.pcapng | tail -n 2
