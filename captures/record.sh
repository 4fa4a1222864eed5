#!/usr/bin/env bash
# Records the course's bundled captures from real clients and real servers.
#
# Run as root on Debian 12: `sudo bash captures/record.sh`. It installs what it needs with
# apt-get, builds a small LAN of network namespaces and records each scenario with dumpcap:
#
#   wl-srv   10.20.30.10  00:0c:29:5e:10:0a  nginx (80, 443, 8443), tinyproxy (8888),
#                                            vsftpd (21), smbd + nmbd (445/139/137),
#                                            dnsmasq (53)
#   wl-ws01  10.20.30.21  00:50:56:a1:10:15  a student workstation: curl, openssl, ftplib,
#                                            smbclient, dig, nmblookup
#   wl-ws02  10.20.30.22  08:00:27:3c:10:16  a second workstation (the investigation lesson)
#   wl-lan   br0, the switch joining the three; captured in promiscuous mode it works
#            as a mirror port and sees every frame between the hosts.
#
# The addresses exist only inside these namespaces and nothing is routed out of them.
# Each scenario's file is written to captures/ together with the TLS key logs. The lab is
# torn down (namespaces, daemons, the two lab accounts, /etc/netns entries) on exit.
# CI never runs this: lessons and tests use the committed files, and `wirelab check`
# tells when a re-recorded capture no longer matches a lesson.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
lab=$here/lab
tmp=$(mktemp -d /tmp/wirelab-record.XXXXXX)
chmod 755 "$tmp"

SRV=10.20.30.10
WS01=10.20.30.21
WS02=10.20.30.22
BCAST=10.20.30.255
LAB_USER=jdoe
LAB_PASS='Summer2026!'
WRONG_PASSWORDS=('summer2026' 'Summer2025!' 'Welcome1' 'P@ssw0rd' 'jdoe2026')

[[ $(id -u) -eq 0 ]] || { echo "record.sh: run as root (it creates network namespaces)" >&2; exit 2; }

packages=(tshark tcpdump iproute2 nginx tinyproxy vsftpd samba smbclient samba-common-bin
    dnsmasq-base bind9-dnsutils curl openssl python3 passwd)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
    # Install without starting the packaged services: the lab runs its own instances.
    policy_added=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
    fi
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    [[ -n $policy_added ]] && rm -f /usr/sbin/policy-rc.d
fi

pids=()
created_users=()
cleanup() {
    set +e
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.5
    for ns in wl-ws01 wl-ws02 wl-srv wl-lan; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
        ip netns del "$ns" 2>/dev/null
        rm -rf "/etc/netns/$ns"
    done
    for u in "${created_users[@]}"; do userdel "$u" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT

in_ws01() { ip netns exec wl-ws01 "$@"; }
in_ws02() { ip netns exec wl-ws02 "$@"; }
# Daemons get their own session: smbd and nmbd signal their whole process group when
# they stop, which must not include this script.
daemon() { setsid ip netns exec wl-srv "$@" >>"$tmp/daemons.log" 2>&1 & pids+=($!); }

wait_port() { # NS PROTO PORT
    for _ in $(seq 100); do
        ip netns exec "$1" ss -Hln"${2:0:1}" "sport = :$3" | grep -q . && return 0
        sleep 0.1
    done
    echo "record.sh: nothing listens on $2/$3 in $1; see $tmp/daemons.log" >&2
    cat "$tmp/daemons.log" >&2
    exit 1
}

# --- The LAN ---------------------------------------------------------------------------
build_lan() {
    ip netns add wl-lan
    ip -n wl-lan link add br0 type bridge
    ip -n wl-lan link set br0 up
    local ns mac addr
    while read -r ns mac addr; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip link add eth0 netns "$ns" address "$mac" type veth peer name "p-$ns" netns wl-lan
        ip -n wl-lan link set "p-$ns" master br0 up
        # No IPv6 on the lab links: router solicitations and MLD reports would only add noise.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
        ip -n "$ns" addr add "$addr/24" brd "$BCAST" dev eth0
        ip -n "$ns" link set eth0 up
        mkdir -p "/etc/netns/$ns"
        echo "nameserver $SRV" >"/etc/netns/$ns/resolv.conf"
        printf '127.0.0.1 localhost\n' >"/etc/netns/$ns/hosts"
    done <<EOF
wl-srv 00:0c:29:5e:10:0a $SRV
wl-ws01 00:50:56:a1:10:15 $WS01
wl-ws02 08:00:27:3c:10:16 $WS02
EOF
    ip netns exec wl-lan sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

# --- Accounts and content --------------------------------------------------------------
make_content() {
    if ! id "$LAB_USER" >/dev/null 2>&1; then
        useradd -M -d "$tmp/ftp/home" -s /bin/sh "$LAB_USER"
        created_users+=("$LAB_USER")
    fi
    echo "$LAB_USER:$LAB_PASS" | chpasswd

    mkdir -p "$tmp/www/dav" "$tmp/ftp/pub" "$tmp/ftp/home/reports" "$tmp/ftp/empty" "$tmp/share/contracts"
    cat >"$tmp/www/index.html" <<'EOF'
<!DOCTYPE html>
<html><head><title>Wirelab intranet</title></head>
<body><h1>Wirelab intranet</h1><p>Read-only news for staff. <a href="/about.html">About</a></p></body></html>
EOF
    echo '<!DOCTYPE html><html><body><p>This site moved; you followed a redirect.</p></body></html>' >"$tmp/www/about.html"
    echo 'Shared notes live here; this location accepts PUT and DELETE (WebDAV).' >"$tmp/www/dav/README.txt"
    chown -R www-data:www-data "$tmp/www/dav"

    echo 'The vault code is 4-8-15-16-23-42. Do not share.' >"$tmp/ftp/pub/secrets.txt"
    echo 'Shield prototype: titanium frame, 76 cm, v3 paint scheme. Internal only.' >"$tmp/ftp/pub/Shield-prototype-plans"
    printf 'Q3 summary\nRevenue up 4%%, two new clients, audit in November.\n' >"$tmp/ftp/home/reports/q3-summary.txt"
    chmod 755 "$tmp/ftp" "$tmp/ftp/pub" && chmod 644 "$tmp/ftp/pub"/*
    chown -R "$LAB_USER" "$tmp/ftp/home"

    printf 'Contract 2026-114: supply of 40 workstations, signed by both parties.\n' >"$tmp/share/contracts/2026-114.txt"
    printf 'Payroll, November: see HR system. This file should not be on a share.\n' >"$tmp/share/payroll-november.txt"
    chown -R "$LAB_USER" "$tmp/share"
}

make_certificates() {
    local d=$tmp/tls
    mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/O=Wirelab Lab/CN=Wirelab Lab CA" \
        -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=Wirelab Lab/CN=www.wirelab.test" \
        -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:www.wirelab.test,DNS:intranet.wirelab.test\n' >"$d/ext.cnf"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
        -days 3650 -extfile "$d/ext.cnf" -out "$d/server.pem" 2>/dev/null
}

# --- Servers -----------------------------------------------------------------------------
start_servers() {
    mkdir -p "$tmp/nginx/logs"
    cat >"$tmp/nginx/nginx.conf" <<EOF
user www-data;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log $tmp/nginx/logs/access.log;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    ssl_certificate $tmp/tls/server.pem;
    ssl_certificate_key $tmp/tls/server.key;
    server {
        listen $SRV:80;
        listen $SRV:443 ssl;
        server_name www.wirelab.test intranet.wirelab.test;
        ssl_protocols TLSv1.2 TLSv1.3;
        root $tmp/www;
        location = /old-news { return 301 /about.html; }
        location = /login { return 200 "Welcome back.\n"; }
        location /dav/ {
            dav_methods PUT DELETE MKCOL COPY MOVE;
            create_full_put_path on;
            if (\$request_method = OPTIONS) {
                add_header Allow "GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, OPTIONS";
                return 204;
            }
        }
    }
    # A server that accepts only TLS 1.2 with one cipher suite: clients that want
    # something else get an Alert.
    server {
        listen $SRV:8443 ssl;
        server_name www.wirelab.test;
        ssl_protocols TLSv1.2;
        ssl_ciphers ECDHE-RSA-AES256-GCM-SHA384;
        root $tmp/www;
    }
}
EOF
    daemon nginx -c "$tmp/nginx/nginx.conf" -g 'daemon off;'

    cat >"$tmp/tinyproxy.conf" <<EOF
User nobody
Group nogroup
Port 8888
Listen $SRV
Timeout 30
LogFile "$tmp/tinyproxy.log"
LogLevel Info
MaxClients 10
Allow 10.20.30.0/24
ConnectPort 443
ViaProxyName "tinyproxy"
EOF
    touch "$tmp/tinyproxy.log" && chown nobody "$tmp/tinyproxy.log"
    daemon tinyproxy -d -c "$tmp/tinyproxy.conf"

    daemon dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
        --listen-address="$SRV" --bind-interfaces --user=nobody --pid-file="$tmp/dnsmasq.pid" \
        --local=/wirelab.test/ --domain-needed \
        --host-record=www.wirelab.test,"$SRV",fd20:30::10 \
        --host-record=files.wirelab.test,"$SRV",fd20:30::10 \
        --host-record=ws01.wirelab.test,"$WS01" --host-record=ws02.wirelab.test,"$WS02" \
        --cname=intranet.wirelab.test,www.wirelab.test

    cat >"$tmp/vsftpd.conf" <<EOF
listen=YES
listen_address=$SRV
background=NO
ftpd_banner=Welcome to the wirelab FTP service. Course files are in /.
anonymous_enable=YES
anon_root=$tmp/ftp/pub
no_anon_password=NO
local_enable=YES
write_enable=YES
local_umask=022
local_root=$tmp/ftp/home
chroot_local_user=YES
allow_writeable_chroot=YES
pasv_enable=YES
pasv_min_port=30000
pasv_max_port=30999
port_enable=YES
connect_from_port_20=YES
pam_service_name=vsftpd
secure_chroot_dir=$tmp/ftp/empty
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
xferlog_enable=NO
EOF
    daemon vsftpd "$tmp/vsftpd.conf"

    local s=$tmp/samba
    mkdir -p "$s"/{private,lock,state,cache,pid,ncalrpc}
    cat >"$s/smb.conf" <<EOF
[global]
    workgroup = LAB
    netbios name = FILESRV
    server string = Wirelab file server
    server role = standalone server
    interfaces = $SRV/24
    bind interfaces only = yes
    passdb backend = tdbsam:$s/private/passdb.tdb
    private dir = $s/private
    lock directory = $s/lock
    state directory = $s/state
    cache directory = $s/cache
    pid directory = $s/pid
    ncalrpc dir = $s/ncalrpc
    log file = $s/log.%m
    load printers = no
    printcap name = /dev/null
    disable spoolss = yes
    map to guest = never
    server min protocol = SMB2_02
[projects]
    path = $tmp/share
    read only = no
    valid users = $LAB_USER
EOF
    printf '%s\n%s\n' "$LAB_PASS" "$LAB_PASS" | smbpasswd -c "$s/smb.conf" -s -a "$LAB_USER" >/dev/null
    daemon smbd --foreground --no-process-group -s "$s/smb.conf"
    daemon nmbd --foreground --no-process-group -s "$s/smb.conf"

    wait_port wl-srv tcp 80
    wait_port wl-srv tcp 443
    wait_port wl-srv tcp 8443
    wait_port wl-srv tcp 8888
    wait_port wl-srv tcp 21
    wait_port wl-srv tcp 445
    wait_port wl-srv udp 53
    wait_port wl-srv udp 137
}

client_conf() { # NETBIOS-NAME -> path of a smb.conf for smbclient/nmblookup on that host
    local c=$tmp/client-$1.conf
    printf '[global]\n    workgroup = LAB\n    netbios name = %s\n    client min protocol = SMB2_02\n' "$1" >"$c"
    echo "$c"
}

# --- Capturing -------------------------------------------------------------------------
capture_pid=
start_capture() { # NS IFACE NAME
    ip -n wl-srv neigh flush all
    ip -n wl-ws01 neigh flush all
    ip -n wl-ws02 neigh flush all
    ip netns exec "$1" dumpcap -q -i "$2" -w "$tmp/$3.pcapng" >>"$tmp/dumpcap.log" 2>&1 &
    capture_pid=$!
    for _ in $(seq 50); do [[ -s $tmp/$3.pcapng ]] && break; sleep 0.1; done
    sleep 0.3
}
stop_capture() { # NAME
    sleep 0.5
    kill -INT "$capture_pid"
    wait "$capture_pid" || true
    cp "$tmp/$1.pcapng" "$here/$1.pcapng"
    chmod 644 "$here/$1.pcapng"
    echo "wrote captures/$1.pcapng ($(capinfos -M -c "$here/$1.pcapng" | awk '/Number of packets/ {print $NF}') frames)"
}

CURL=(curl -sS -o /dev/null --cacert "$tmp/tls/ca.pem")
web() { in_ws01 "${CURL[@]}" --resolve "www.wirelab.test:80:$SRV" --resolve "www.wirelab.test:443:$SRV" \
    --resolve "www.wirelab.test:8443:$SRV" "$@"; }

# --- Scenarios ---------------------------------------------------------------------------
record_http_methods() {
    local u=http://www.wirelab.test
    start_capture wl-ws01 eth0 http-methods
    web "$u/"
    web -I "$u/"
    web -X POST -d 'user=jdoe&password=Summer2026%21' "$u/login"
    web -X PUT -H 'Content-Type: text/html' --data-binary '<h1>defaced</h1>' "$u/index.html"
    web -X DELETE "$u/index.html"
    web -X OPTIONS "$u/"
    web -X TRACE "$u/"
    web -X OPTIONS "$u/dav/"
    web -T - "$u/dav/meeting-notes.txt" <<<'Meeting notes: move the release to Friday.'
    web "$u/dav/meeting-notes.txt"
    web -X DELETE "$u/dav/meeting-notes.txt"
    web "$u/no-such-page.html"
    web "$u/old-news"
    stop_capture http-methods
}

record_http_proxy() {
    start_capture wl-ws01 eth0 http-proxy-connect
    in_ws01 "${CURL[@]}" -x "http://$SRV:8888" http://www.wirelab.test/
    in_ws01 "${CURL[@]}" -x "http://$SRV:8888" https://www.wirelab.test/
    stop_capture http-proxy-connect
}

record_tls() { # NAME then curl options
    local name=$1
    shift
    start_capture wl-ws01 eth0 "$name"
    SSLKEYLOGFILE=$tmp/$name.keys web "$@" || true
    stop_capture "$name"
    if [[ -s $tmp/$name.keys ]]; then cp "$tmp/$name.keys" "$here/$name.keys"; else rm -f "$here/$name.keys"; fi
}

record_tls_all() {
    record_tls tls12-handshake --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 \
        https://www.wirelab.test/
    record_tls tls13-handshake --tlsv1.3 https://www.wirelab.test/
    start_capture wl-ws01 eth0 tls-alerts
    # No shared version: the client insists on TLS 1.3, the server on 8443 speaks only 1.2.
    web --tlsv1.3 https://www.wirelab.test:8443/ 2>/dev/null || true
    # No shared cipher suite: the client offers only suites the server does not accept.
    web --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-SHA256 https://www.wirelab.test:8443/ 2>/dev/null || true
    stop_capture tls-alerts
}

record_ftp() {
    local py=(python3 "$lab/ftp_sessions.py")
    mkdir -p "$tmp/ftp-client"
    start_capture wl-ws01 eth0 ftp-passive
    in_ws01 "${py[@]}" anonymous-passive "$SRV" "$LAB_USER" "$LAB_PASS" "$tmp/ftp-client"
    # curl's default passive mode is EPSV; --ftp-pasv --disable-epsv would force PASV.
    in_ws01 curl -sS -o /dev/null --user "$LAB_USER:$LAB_PASS" "ftp://$SRV/reports/q3-summary.txt"
    stop_capture ftp-passive

    start_capture wl-ws01 eth0 ftp-active
    in_ws01 "${py[@]}" user-active "$SRV" "$LAB_USER" "$LAB_PASS" "$tmp/ftp-client"
    # curl -P sends EPRT first (and would fall back to PORT if the server refused it).
    in_ws01 curl -sS -o /dev/null -P - --user "$LAB_USER:$LAB_PASS" "ftp://$SRV/reports/q3-summary.txt"
    stop_capture ftp-active

    start_capture wl-ws01 eth0 ftp-errors
    in_ws01 "${py[@]}" failures "$SRV" "$LAB_USER" "$LAB_PASS" "$tmp/ftp-client"
    stop_capture ftp-errors
}

smb() { # NS NETBIOS-NAME PASSWORD COMMANDS
    local conf
    conf=$(client_conf "$2")
    ip netns exec "$1" smbclient -s "$conf" "//$SRV/projects" -U "LAB\\$LAB_USER%$3" -c "$4" >/dev/null 2>&1 || true
}

record_smb() {
    start_capture wl-ws01 eth0 smb-logon-failures
    for pw in "${WRONG_PASSWORDS[@]:0:4}"; do smb wl-ws01 WS01 "$pw" 'ls'; done
    smb wl-ws01 WS01 "$LAB_PASS" 'ls; cd contracts; get 2026-114.txt /dev/null; logoff'
    stop_capture smb-logon-failures
}

record_names() {
    local conf
    conf=$(client_conf WS01)
    start_capture wl-ws01 eth0 name-services
    in_ws01 dig +noedns "@$SRV" www.wirelab.test A >/dev/null
    in_ws01 dig +noedns "@$SRV" www.wirelab.test AAAA >/dev/null
    in_ws01 dig +noedns "@$SRV" intranet.wirelab.test A >/dev/null
    in_ws01 dig +noedns "@$SRV" no-such-host.wirelab.test A >/dev/null
    in_ws01 dig "@$SRV" -x "$WS02" >/dev/null
    in_ws01 nmblookup -s "$conf" -B "$BCAST" WPAD >/dev/null || true
    in_ws01 nmblookup -s "$conf" -B "$BCAST" FILESRV >/dev/null || true
    stop_capture name-services
}

record_investigation() {
    local conf
    conf=$(client_conf WS01)
    start_capture wl-lan br0 investigation
    # ws01: an ordinary morning. ws02: someone guessing jdoe's password, then using it.
    (
        in_ws01 getent hosts www.wirelab.test >/dev/null
        in_ws01 nmblookup -s "$conf" -B "$BCAST" WPAD >/dev/null || true
        in_ws01 "${CURL[@]}" http://www.wirelab.test/
        sleep 0.4
        smb wl-ws01 WS01 "$LAB_PASS" 'ls; cd contracts; get 2026-114.txt /dev/null'
        sleep 0.4
        in_ws01 python3 "$lab/ftp_sessions.py" anonymous-passive "$SRV" "$LAB_USER" "$LAB_PASS" "$tmp/ftp-client"
        in_ws01 "${CURL[@]}" http://intranet.wirelab.test/about.html
    ) &
    local normal=$!
    (
        sleep 0.3
        in_ws02 getent hosts files.wirelab.test >/dev/null
        for pw in "${WRONG_PASSWORDS[@]}"; do smb wl-ws02 WS02 "$pw" 'ls'; done
        smb wl-ws02 WS02 "$LAB_PASS" 'ls; get payroll-november.txt /dev/null; logoff'
    ) &
    wait "$normal" $!
    stop_capture investigation
}

build_lan
make_content
make_certificates
start_servers
record_http_methods
record_http_proxy
record_tls_all
record_ftp
record_smb
record_names
record_investigation

# What produced these bytes, for captures/README.md.
{
    echo "# Recorded $(date -u +%Y-%m-%d) on $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    dpkg-query -W -f '${Package} ${Version}\n' "${packages[@]}" | sort
} >"$here/recorded-with.txt"
bash "$here/manifest.sh"

