#!/usr/bin/env bash
# Records, from real LAN software:
#   - tests/data/recorded/lan-services.pcap: DHCP, mDNS and LLMNR;
#   - tests/data/recorded/lan-dhcpv6.pcap: DHCPv6 (takes about 3 minutes: see below).
#
# Run as root on Debian: `bash tests/data/recorded/record-lan.sh` records both, one after the
# other; `--only services` or `--only dhcpv6` records just one (and leaves the other file
# alone). Each recording builds two network namespaces of its own joined by a veth pair
# (10.78.0.0/24 and fd78::/64, addresses that exist only inside them) and captures the veth
# with tcpdump (Ethernet, classic pcap, microseconds):
#   - DHCP: dnsmasq serves the "server" namespace; ISC dhclient in the "client" namespace
#     does Discover/Offer/Request/ACK, renews at T1 (set to a few seconds), then dhcping
#     sends a DHCPINFORM, dhclient releases the lease, and a restart from a stale lease
#     (an address outside the pool) is refused with a DHCPNAK and followed by a new DORA.
#   - mDNS: avahi-daemon in the server namespace (no D-Bus) publishes the host name and
#     static _http._tcp and _ssh._tcp services (probes, announcements, responses). In the
#     client namespace a private D-Bus system bus, a second avahi-daemon and avahi-browse /
#     avahi-resolve send the normal ("QM") queries; avahi never sets the unicast-response
#     bit, so a few lines of Python send the same questions once more as "QU" queries.
#   - LLMNR: llmnrd answers in the server namespace, llmnr-query asks from the client.
#   - DHCPv6 (lan-dhcpv6.pcap): dnsmasq serves fd78::100-fd78::1ff; ISC dhclient -6 sends
#     from its link-local address to ff02::1:2: Solicit/Advertise/Request/Reply, a Renew at
#     T1 and its Reply, then (dnsmasq stopped) unanswered Renews until T2 and a Rebind,
#     answered once dnsmasq is back, a Release and its Reply, and last an
#     Information-request/Reply from dhclient -S (stateless: DNS options, no address).
# Daemons get config, leases, pid files and runtime dirs of their own in a temp dir (avahi
# and D-Bus in a private mount namespace with a tmpfs on /run); nothing touches the host's
# configuration and nothing leaves the namespaces.
# CI never runs this: the tests use the committed files.
set -euo pipefail

usage() { echo "usage: $0 [--only services|dhcpv6]" >&2; exit 2; }
only=
case $# in
    0) ;;
    2) [ "$1" = --only ] || usage; only=$2 ;;
    *) usage ;;
esac
case "$only" in "" | services | dhcpv6) ;; *) usage ;; esac

here=$(cd "$(dirname "$0")" && pwd)
cli=wl-lan-cli
srv=wl-lan-srv
cif=wl-lc0
sif=wl-ls0
cmac=02:78:00:00:00:02
smac=02:78:00:00:00:01
tmp=$(mktemp -d)

need() { command -v "$1" >/dev/null 2>&1; }
if ! need tcpdump || ! need capinfos || ! need dnsmasq || ! need dhclient || ! need dhcping \
    || ! need avahi-daemon || ! need avahi-browse || ! need dbus-daemon || ! need llmnrd \
    || ! need python3; then
    apt-get update -qq
    # dnsmasq-base is the bare binary (the dnsmasq package adds a host service); no
    # recommends, so that avahi's libnss-mdns does not edit the host's nsswitch.conf.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        tcpdump tshark dnsmasq-base isc-dhcp-client dhcping avahi-daemon avahi-utils dbus \
        llmnrd iproute2 python3
fi

# Run at exit, and between the two recordings under set -e (hence the `|| true`s).
lan_down() {
    # The daemons fork (dhclient) or run in their own mount namespaces: end every process
    # left in the two namespaces, by pid, then the namespaces themselves.
    local p ns
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for ns in "$cli" "$srv"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    done
    wait 2>/dev/null || true
    # Those that are not our children (forked daemons): give them 2 s, then SIGKILL.
    for _ in $(seq 20); do
        [ -z "$(ip netns pids "$cli" 2>/dev/null)$(ip netns pids "$srv" 2>/dev/null)" ] && break
        sleep 0.1
    done
    for ns in "$cli" "$srv"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    done
    ip netns del "$cli" 2>/dev/null || true
    ip netns del "$srv" 2>/dev/null || true
    pids=()
}
cleanup() {
    set +e
    lan_down
    rm -rf "$tmp"
}
pids=()
trap cleanup EXIT

# Waits up to $2 tenths of a second for the file $3 to contain $1.
wait_for() { for _ in $(seq "$2"); do grep -q "$1" "$3" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# The two namespaces and the veth pair, still down and without addresses.
lan_up() {
    ip netns add "$cli"
    ip netns add "$srv"
    ip link add "$cif" netns "$cli" address "$cmac" type veth peer name "$sif" netns "$srv" address "$smac"
    for ns in "$cli" "$srv"; do ip -n "$ns" link set lo up; done
    # No duplicate address detection and no router solicitations: less ICMPv6 noise, and the
    # link-local addresses (EUI-64 of the fixed MACs) are usable at once.
    for pair in "$cli:$cif" "$srv:$sif"; do
        ip netns exec "${pair%%:*}" sysctl -q -w "net.ipv6.conf.${pair#*:}.accept_dad=0" \
            "net.ipv6.conf.${pair#*:}.router_solicitations=0"
    done
}

# Starts tcpdump on the server's end, writing $tmp/$1.pcap, and brings the link up.
capture_start() {
    # The server's end goes up first (no carrier yet) so that tcpdump sees the link come up.
    ip -n "$srv" link set "$sif" up
    ip netns exec "$srv" tcpdump -i "$sif" -w "$tmp/$1.pcap" -s 0 -U -Z root >"$tmp/tcpdump-$1.log" 2>&1 &
    tcpdump_pid=$!
    pids+=($tcpdump_pid)
    wait_for listening 50 "$tmp/tcpdump-$1.log"
    ip -n "$cli" link set "$cif" up
    sleep 0.5
}

# Stops tcpdump and copies $tmp/$1.pcap next to this script.
capture_stop() {
    kill -INT "$tcpdump_pid"
    wait "$tcpdump_pid" || true
    cp "$tmp/$1.pcap" "$here/$1.pcap"
    echo "wrote $here/$1.pcap ($(capinfos -c -M "$here/$1.pcap" | awk '/Number of packets/ {print $NF}') frames)"
}

# === lan-services.pcap: DHCP, mDNS, LLMNR ================================================
record_services() {
    lan_up
    ip -n "$srv" addr add 10.78.0.1/24 dev "$sif"
    ip -n "$srv" addr add fd78::1/64 dev "$sif" nodad
    ip -n "$cli" addr add fd78::2/64 dev "$cif" nodad
    # The client's IPv4 address comes from DHCP (see the dhclient script below).
    capture_start lan-services

    # --- servers -------------------------------------------------------------------------
    # DHCP only (port=0: no DNS), 2-minute leases (dnsmasq's minimum) but T1/T2 of a few
    # seconds so that dhclient renews while we wait; authoritative, so that it NAKs strangers;
    # no ping check of an address before offering it (it would delay the Offer by 3 s).
    ip netns exec "$srv" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-hosts --no-resolv \
        --port=0 --user=root --group=root --no-ping --interface="$sif" --bind-interfaces \
        --dhcp-range=10.78.0.100,10.78.0.150,255.255.255.0,2m --dhcp-authoritative \
        --dhcp-option=option:router,10.78.0.1 --dhcp-option=option:dns-server,10.78.0.1 \
        --dhcp-option=option:domain-name,wirelab.test --dhcp-option=option:T1,4 \
        --dhcp-option=option:T2,7 --dhcp-leasefile="$tmp/dnsmasq.leases" \
        --pid-file="$tmp/dnsmasq.pid" --log-dhcp --log-facility="$tmp/dnsmasq.log" &
    pids+=($!)

    # avahi-daemon reads its services from /etc/avahi/services and keeps its pid file and
    # socket in /run/avahi-daemon: give it its own of both in a private mount namespace.
    avahi_conf() { # host-name enable-dbus interface
        cat <<EOF
[server]
host-name=$1
domain-name=local
use-ipv4=yes
use-ipv6=yes
allow-interfaces=$3
enable-dbus=$2
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
publish-aaaa-on-ipv4=yes
publish-a-on-ipv6=no
[reflector]
enable-reflector=no
EOF
    }
    mkdir -p "$tmp/srv-services" "$tmp/cli-services"
    avahi_conf wirelab-srv no "$sif" >"$tmp/avahi-srv.conf"
    avahi_conf wirelab-cli yes "$cif" >"$tmp/avahi-cli.conf"
    cat >"$tmp/srv-services/http.service" <<'EOF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>wirelab web</name>
  <service>
    <type>_http._tcp</type>
    <port>8080</port>
    <txt-record>path=/index.html</txt-record>
    <txt-record>lab=wirelab</txt-record>
  </service>
</service-group>
EOF
    cat >"$tmp/srv-services/ssh.service" <<'EOF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name replace-wildcards="yes">%h</name>
  <service>
    <type>_ssh._tcp</type>
    <port>22</port>
  </service>
</service-group>
EOF
    ip netns exec "$srv" unshare --mount --propagation private bash -c '
        mount --bind "$1/srv-services" /etc/avahi/services
        mount -t tmpfs tmpfs /run && mkdir /run/avahi-daemon
        exec avahi-daemon -f "$1/avahi-srv.conf" --no-drop-root --no-chroot --no-rlimits --no-proc-title
    ' _ "$tmp" >"$tmp/avahi-srv.log" 2>&1 &
    pids+=($!)

    ip netns exec "$srv" llmnrd -H wirelab-srv -i "$sif" -6 >"$tmp/llmnrd.log" 2>&1 &
    pids+=($!)

    wait_for "startup complete" 50 "$tmp/avahi-srv.log"

    # --- DHCP client -----------------------------------------------------------------------
    # dhclient's own script only sets the lease's address on the namespace's veth (the mDNS and
    # LLMNR clients below need one); it never touches resolv.conf or routes.
    cat >"$tmp/dhclient-script" <<'EOF'
#!/bin/sh
case "$reason" in
    PREINIT) ip link set "$interface" up ;;
    BOUND|RENEW|REBIND|REBOOT)
        [ -n "$old_ip_address" ] && [ "$old_ip_address" != "$new_ip_address" ] &&
            ip addr del "$old_ip_address/$old_subnet_mask" dev "$interface"
        ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
    RELEASE|EXPIRE|FAIL)
        [ -n "$old_ip_address" ] && ip addr del "$old_ip_address/$old_subnet_mask" dev "$interface" ;;
esac
exit 0
EOF
    chmod +x "$tmp/dhclient-script"
    cat >"$tmp/dhclient.conf" <<'EOF'
send host-name "wirelab-cli";
request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers,
        host-name, dhcp-lease-time, dhcp-renewal-time, dhcp-rebinding-time;
timeout 10;
initial-interval 1;
EOF
    dhclient_run() { # extra dhclient options
        ip netns exec "$cli" dhclient -4 -v -cf "$tmp/dhclient.conf" -lf "$tmp/dhclient.leases" \
            -pf "$tmp/dhclient.pid" -sf "$tmp/dhclient-script" "$@" "$cif" >>"$tmp/dhclient.log" 2>&1
    }
    # dhclient 4.4's own -x stops the daemon but then starts over with a new Request: end it
    # with a signal instead (SIGTERM: no Release, no script run).
    dhclient_stop() { kill -TERM "$(cat "$tmp/dhclient.pid")"; sleep 0.2; }
    cli_ip() { ip -n "$cli" -4 -o addr show dev "$cif" | awk '{split($4, a, "/"); print a[1]; exit}'; }

    dhclient_run                       # Discover, Offer, Request, ACK; forks into the background once bound
    sleep 5                            # renewal at T1 (unicast Request, ACK)
    dhclient_stop                      # keep the address
    leased=$(cli_ip)
    echo "client leased $leased"
    ip netns exec "$cli" dhcping -i -q -t 2 -c "$leased" -s 10.78.0.1 -h "$cmac" || true  # Inform, ACK

    # --- mDNS ------------------------------------------------------------------------------
    # A private system bus for avahi-daemon, avahi-browse and avahi-resolve, all in one mount
    # namespace; the browse asks for _services._dns-sd._udp.local and then every type found.
    ip netns exec "$cli" unshare --mount --propagation private bash -c '
        tmp=$1
        mount --bind "$tmp/cli-services" /etc/avahi/services
        mount -t tmpfs tmpfs /run && mkdir /run/avahi-daemon /run/dbus
        dbus-daemon --system --fork --print-pid >"$tmp/dbus.pid"
        avahi-daemon -f "$tmp/avahi-cli.conf" --no-drop-root --no-chroot --no-rlimits --no-proc-title \
            >"$tmp/avahi-cli.log" 2>&1 &
        avahi=$!
        for _ in $(seq 100); do grep -q "startup complete" "$tmp/avahi-cli.log" && break; sleep 0.1; done
        timeout 10 avahi-browse --all --resolve --terminate --parsable
        timeout 5 avahi-resolve --name -4 wirelab-srv.local
        timeout 5 avahi-resolve --name -6 wirelab-srv.local
        timeout 5 avahi-resolve --address 10.78.0.1
        kill $avahi; wait $avahi       # goodbye packets (TTL 0)
        kill "$(cat "$tmp/dbus.pid")"
    ' _ "$tmp" || true

    # The same questions as unicast-response ("QU") queries, from port 5353 like a full mDNS
    # querier; avahi answers them (by unicast, or by multicast when it has just multicast them).
    ip netns exec "$cli" python3 - "$leased" "$cif" <<'PY'
import socket, struct, sys, time
leased, ifname = sys.argv[1], sys.argv[2]
QU = 0x8000

def query(name, qtype, qclass, qid=0):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack("!6H", qid, 0, 1, 0, 0, 0) + q + struct.pack("!2H", qtype, qclass)

s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s4.bind(("", 5353))
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(leased))
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
              socket.inet_aton("224.0.0.251") + socket.inet_aton(leased))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s6.bind(("", 5353))
idx = socket.if_nametoindex(ifname)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
              socket.inet_pton(socket.AF_INET6, "ff02::fb") + struct.pack("@I", idx))
for s in (s4, s6):
    s.settimeout(0.4)

for name, qtype in [("wirelab-srv.local", 1), ("wirelab-srv.local", 28),
                    ("_services._dns-sd._udp.local", 12), ("_http._tcp.local", 12)]:
    s4.sendto(query(name, qtype, 1 | QU), ("224.0.0.251", 5353))
    time.sleep(0.3)
s6.sendto(query("wirelab-srv.local", 28, 1 | QU), ("ff02::fb", 5353, 0, idx))
# A one-shot ("legacy unicast") query from an ephemeral port: answered by unicast to that
# port, with the query's ID and question echoed.
s1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s1.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(leased))
s1.settimeout(1.0)
s1.sendto(query("_http._tcp.local", 12, 1, 0x7a11), ("224.0.0.251", 5353))
try:
    s1.recvfrom(9000)
except socket.timeout:
    print("no answer to the one-shot query")
deadline = time.time() + 1.5
n = 0
while time.time() < deadline:
    for s in (s4, s6):
        try:
            s.recvfrom(9000)
            n += 1
        except socket.timeout:
            pass
print(f"QU queries sent, {n} mDNS packets received")
PY

    # --- LLMNR -----------------------------------------------------------------------------
    ip netns exec "$cli" llmnr-query -I "$cif" -T A wirelab-srv || true
    ip netns exec "$cli" llmnr-query -I "$cif" -T AAAA wirelab-srv || true
    ip netns exec "$cli" llmnr-query -6 -I "$cif" -T AAAA wirelab-srv || true
    ip netns exec "$cli" llmnr-query -I "$cif" -t 500 -T A nobody-here || true   # no answer

    # --- DHCP release and NAK ----------------------------------------------------------------
    dhclient_run -r                    # Release (unicast to the server)
    # A stale lease for an address outside the pool: dhclient starts in INIT-REBOOT, asks for it,
    # the authoritative server NAKs, and dhclient falls back to Discover/Offer/Request/ACK.
    cat >"$tmp/dhclient.leases" <<EOF
lease {
  interface "$cif";
  fixed-address 10.78.0.250;
  option subnet-mask 255.255.255.0;
  option dhcp-lease-time 120;
  option dhcp-server-identifier 10.78.0.1;
  renew 4 2037/01/01 00:00:00;
  rebind 4 2037/01/01 00:00:00;
  expire 4 2037/01/01 00:00:00;
}
EOF
    dhclient_run
    dhclient_stop
    sleep 0.5
    capture_stop lan-services
    lan_down
}

# === lan-dhcpv6.pcap: DHCPv6 =============================================================
record_dhcpv6() {
    lan_up
    # dnsmasq serves addresses from the prefix of an address of the interface; the client
    # needs only its link-local address to ask (and does not configure the one it leases:
    # see its script below).
    ip -n "$srv" addr add fd78::1/64 dev "$sif" nodad
    capture_start lan-dhcpv6

    # DHCPv6 only (port=0: no DNS; no --enable-ra, so no Router Advertisements: dhclient
    # asks without being told to). 2-minute leases, dnsmasq's minimum, from which it derives
    # T1 = 60 s and T2 = 105 s (no option sets them in DHCPv6). Authoritative: the Advertise
    # carries preference 255, so the client requests at once instead of waiting for other
    # servers. The lease file also keeps the server's DUID across the restart below.
    dnsmasq6() { # log file
        ip netns exec "$srv" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-hosts \
            --no-resolv --port=0 --user=root --group=root --interface="$sif" --bind-interfaces \
            --dhcp-range=fd78::100,fd78::1ff,64,2m --dhcp-authoritative \
            --dhcp-option=option6:dns-server,[fd78::1] \
            --dhcp-option=option6:domain-search,wirelab.test \
            --dhcp-leasefile="$tmp/dnsmasq6.leases" --pid-file="$tmp/dnsmasq6.pid" --log-dhcp \
            --log-facility="$1" &
        dnsmasq6_pid=$!
        pids+=($dnsmasq6_pid)
        wait_for "sockets bound" 50 "$1"
    }
    dnsmasq6 "$tmp/dnsmasq6.log"

    # dhclient's script only notes why it was run (the waits below read it): the leased
    # address is not configured (that would only add MLD reports) and nothing on the host
    # is touched. The client sends its host name (Client FQDN option).
    cat >"$tmp/dhclient6-script" <<EOF
#!/bin/sh
echo "\$reason \${new_ip6_address:-}" >>"$tmp/dhclient6.events"
exit 0
EOF
    chmod +x "$tmp/dhclient6-script"
    cat >"$tmp/dhclient6.conf" <<'EOF'
send fqdn.fqdn "wirelab-cli";
request dhcp6.name-servers, dhcp6.domain-search;
EOF
    # DUID-LL (-D LL): from the fixed MAC, where the default DUID-LLT would add the time.
    # -v logs every message sent and received.
    dhclient6() { # extra dhclient options
        ip netns exec "$cli" dhclient -6 -v -D LL -cf "$tmp/dhclient6.conf" \
            -sf "$tmp/dhclient6-script" "$@" "$cif" >>"$tmp/dhclient6.log" 2>&1
    }
    expect() { # as wait_for, but ends the recording if the wait is in vain
        wait_for "$@" || { echo "no '$1' in $3 after $(($2 / 10)) s" >&2; exit 1; }
    }
    events=$tmp/dhclient6.events
    # dhclient -6 refuses to start on an interface without a link-local address, which the
    # kernel adds when the carrier is seen (up to a second after the link goes up).
    for _ in $(seq 50); do
        [ -n "$(ip -n "$cli" -6 addr show dev "$cif" scope link)" ] && break
        sleep 0.1
    done

    # Solicit, Advertise, Request, Reply (the Solicit after a random delay of up to 1 s).
    # This client stays in the foreground (-d; in the background of this script) so that
    # its log tells when it rebinds. (`|| true` in a quiet subshell: -r below ends it with
    # SIGTERM, which bash would otherwise report as "Terminated".)
    { dhclient6 -d -lf "$tmp/dhclient6.leases" -pf "$tmp/dhclient6.pid" || true; } 2>/dev/null &
    dhclient6_pid=$!
    pids+=($dhclient6_pid)
    expect BOUND6 100 "$events"
    echo "client leased $(awk '$1 == "BOUND6" {print $2}' "$events")"
    expect RENEW6 700 "$events"      # at T1 (60 s): Renew to the server, Reply
    # The server goes away: the next Renew (T1 after the last Reply) goes unanswered and is
    # retransmitted until T2 (105 s), when the client multicasts a Rebind, meant for any
    # server. dnsmasq comes back then, with its lease file, and answers the next Rebind.
    kill -TERM "$dnsmasq6_pid"
    wait "$dnsmasq6_pid" || true
    echo "server stopped; the client rebinds in about 105 s"
    expect "XMT: Rebind on" 1200 "$tmp/dhclient6.log"
    dnsmasq6 "$tmp/dnsmasq6-restarted.log"
    expect REBIND6 300 "$events"     # Reply to the Rebind
    # -r ends the running client (by its pid file), sends a Release for the lease in the
    # lease file and waits for the Reply.
    dhclient6 -r -lf "$tmp/dhclient6.leases" -pf "$tmp/dhclient6.pid"
    wait "$dhclient6_pid" || true
    expect RELEASE6 10 "$events"
    # Stateless (-S): an Information-request for the DNS options alone, no address. That
    # client exits once it has its Reply; it gets lease and pid files of its own.
    ip netns exec "$cli" timeout 20 dhclient -6 -v -D LL -cf "$tmp/dhclient6.conf" \
        -sf "$tmp/dhclient6-script" -S -d -lf "$tmp/dhclient6-stateless.leases" \
        -pf "$tmp/dhclient6-stateless.pid" "$cif" >>"$tmp/dhclient6.log" 2>&1
    expect "Info-Request on" 10 "$tmp/dhclient6.log"
    # tcpdump gets packets from the kernel in blocks, up to a second late, and drops what it
    # has not got yet when it is stopped: give it that second.
    sleep 1.5

    capture_stop lan-dhcpv6
    lan_down
}

[ "$only" = dhcpv6 ] || record_services
[ "$only" = services ] || record_dhcpv6
