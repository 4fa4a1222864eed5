#!/usr/bin/env bash
# Records the L2-L4 test captures in tests/data/recorded/ from real kernel TCP/IP stacks.
#
# Run as root on Debian: `bash tests/data/recorded/record.sh`. It builds two network
# namespaces joined by a veth pair (10.77.0.0/24 and fd77::/64, addresses that exist only
# inside them), starts lab_traffic.py's servers in one and its client in the other, and
# captures the same traffic at once with tcpdump (pcap, microseconds and nanoseconds),
# dumpcap (pcapng, two interfaces of different link types) and tcpdump on the "any" device
# (Linux cooked v1 and v2). nftables in the server namespace drops a few segments once so
# that the captures hold real retransmissions. Nothing leaves the namespaces.
# CI never runs this: the tests use the committed files.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cli=wl-rec-cli
srv=wl-rec-srv
tmp=$(mktemp -d)

need() { command -v "$1" >/dev/null 2>&1; }
if ! need tcpdump || ! need dumpcap || ! need nft || ! need ping; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpdump tshark nftables iputils-ping iproute2 python3
fi

cleanup() {
    set +e
    for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    ip netns del "$cli" 2>/dev/null
    ip netns del "$srv" 2>/dev/null
    rm -rf "$tmp"
}
pids=()
trap cleanup EXIT

ip netns add "$cli"
ip netns add "$srv"
ip link add wl-c0 netns "$cli" type veth peer name wl-s0 netns "$srv"
for ns in "$cli" "$srv"; do ip -n "$ns" link set lo up; done
ip -n "$cli" addr add 10.77.0.1/24 dev wl-c0
ip -n "$srv" addr add 10.77.0.2/24 dev wl-s0
ip -n "$cli" addr add fd77::1/64 dev wl-c0 nodad
ip -n "$srv" addr add fd77::2/64 dev wl-s0 nodad
ip -n "$cli" link set wl-c0 up
ip -n "$srv" link set wl-s0 up

# Drop one data segment of each of two connections, once, on arrival at the server.
ip netns exec "$srv" nft -f - <<'NFT'
table inet lab {
    chain input {
        type filter hook input priority 0;
        tcp dport 9002 ip length > 200 numgen inc mod 1000 == 3 drop
        tcp dport 9003 ip length > 200 numgen inc mod 1000 == 0 drop
    }
}
NFT

ip netns exec "$srv" python3 "$here/lab_traffic.py" serve 10.77.0.2 fd77::2 >"$tmp/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$tmp/serve.log" 2>/dev/null && break; sleep 0.1; done

ip netns exec "$cli" tcpdump -q -i wl-c0 -w "$tmp/l4-basic.pcap" 2>/dev/null &
pids+=($!)
ip netns exec "$cli" tcpdump -q -i wl-c0 --time-stamp-precision=nano -w "$tmp/l4-basic-nsec.pcap" 2>/dev/null &
pids+=($!)
ip netns exec "$cli" dumpcap -q -i wl-c0 -i lo -w "$tmp/l4-two-interfaces.pcapng" 2>/dev/null &
pids+=($!)
ip netns exec "$srv" tcpdump -q -i any -y LINUX_SLL2 -w "$tmp/l4-any-sll2.pcap" 2>/dev/null &
pids+=($!)
ip netns exec "$srv" tcpdump -q -i any -y LINUX_SLL -w "$tmp/l4-any-sll.pcap" 2>/dev/null &
pids+=($!)
sleep 1.5

ip netns exec "$cli" ping -c 2 -i 0.2 10.77.0.2 >/dev/null
ip netns exec "$cli" ping -6 -c 2 -i 0.2 fd77::2 >/dev/null
ip netns exec "$cli" python3 "$here/lab_traffic.py" drive 10.77.0.2 fd77::2
# Something for the loopback interface of the pcapng's second interface.
ip netns exec "$cli" ping -c 1 127.0.0.1 >/dev/null
sleep 1

for p in "${pids[@]:1}"; do kill -INT "$p" 2>/dev/null || true; done
sleep 1
for f in l4-basic.pcap l4-basic-nsec.pcap l4-two-interfaces.pcapng l4-any-sll2.pcap l4-any-sll.pcap; do
    cp "$tmp/$f" "$here/$f"
    echo "wrote $here/$f ($(capinfos -c -M "$here/$f" | awk '/Number of packets/ {print $NF}') frames)"
done
