#!/usr/bin/env bash
# Rewrites the table of captures in captures/README.md (between the manifest markers)
# from the files themselves: frames, size, link type and sha256 come from capinfos and
# sha256sum, the one-line description from the list below. It also writes SHA256SUMS
# (check with `cd captures && sha256sum -c SHA256SUMS`). record.sh runs it after
# recording; run it by hand after changing a description.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

declare -A what=(
    [http-methods]="curl → nginx: GET, HEAD, POST /login (form in clear text), PUT/DELETE/OPTIONS/TRACE refused with 405 by a read-only site, OPTIONS/PUT/GET/DELETE accepted by the WebDAV location /dav/ (100 Continue, 201, 204), a 404 and a 301 redirect"
    [http-proxy-connect]="curl through tinyproxy: an absolute-URI GET relayed by the proxy, then CONNECT www.wirelab.test:443 and a TLS 1.3 session inside the tunnel"
    [tls12-handshake]="curl → nginx over TLS 1.2 with SNI, ECDHE-RSA-AES128-GCM-SHA256: Client Hello, Server Hello, Certificate, Server Key Exchange, Server Hello Done, Client Key Exchange, Change Cipher Spec, Finished, then GET / as Application Data; key log in tls12-handshake.keys"
    [tls13-handshake]="curl → nginx over TLS 1.3 with SNI (supported_versions 0x0304), encrypted handshake, GET / as Application Data; key log in tls13-handshake.keys"
    [tls-alerts]="two failed handshakes with nginx on 8443 (TLS 1.2, one suite only): TLS 1.3-only client → Alert Protocol Version; no shared cipher suite → Alert Handshake Failure"
    [ftp-passive]="anonymous ftplib session in passive mode (banner, USER, PASS, SYST, PWD, TYPE I, CWD, SIZE, PASV + LIST, RETR secrets.txt, RETR Shield-prototype-plans, QUIT), then curl as jdoe with EPSV"
    [ftp-active]="jdoe's ftplib session in active mode (PORT + LIST, CWD, SIZE, RETR q3-summary.txt, STOR notes-from-ws01.txt; data connections opened by the server from port 20), then curl with EPRT"
    [ftp-errors]="a failed login (530), an impossible PORT tuple refused (500 Illegal PORT command), a PORT to a closed port answered with 425 Failed to establish connection"
    [smb-logon-failures]="smbclient → Samba, SMB 3.1.1 with NTLMSSP in SPNEGO: four logons as LAB\\jdoe failing with STATUS_LOGON_FAILURE, then a successful one, tree connect, listing, reading contracts/2026-114.txt, logoff"
    [name-services]="dig → dnsmasq: A, AAAA, a CNAME, NXDOMAIN and a PTR lookup; nmblookup broadcasts NBNS queries for WPAD<00> (unanswered) and FILESRV<00> (answered by nmbd); ARP at the start"
    [investigation]="the LAN seen from a mirror port: ws01 does ordinary work (DNS, NBNS WPAD, HTTP, SMB file access, anonymous FTP) while ws02 fails five SMB logons as jdoe in quick succession, then logs on and reads payroll-november.txt"
)

rows() {
    echo "| file | what it shows | frames | bytes | link type | sha256 |"
    echo "|---|---|---:|---:|---|---|"
    local f name frames size link sum
    for f in "$here"/*.pcapng; do
        name=$(basename "$f" .pcapng)
        [[ -n ${what[$name]:-} ]] || { echo "manifest.sh: no description for $name" >&2; exit 1; }
        frames=$(capinfos -M -c "$f" | awk '/Number of packets/ {print $NF}')
        link=$(capinfos -E "$f" | awk -F': *' '/File encapsulation/ {print $2}')
        size=$(stat -c %s "$f")
        sum=$(sha256sum "$f" | cut -d' ' -f1)
        echo "| \`$name.pcapng\` | ${what[$name]} | $frames | $size | $link | \`${sum:0:16}…\` |"
    done
}

readme=$here/README.md
table=$(rows)
awk -v table="$table" '
    /<!-- manifest:start -->/ { print; print table; skip = 1; next }
    /<!-- manifest:end -->/ { skip = 0 }
    !skip
' "$readme" >"$readme.new"
mv "$readme.new" "$readme"
(cd "$here" && sha256sum -- *.pcapng *.keys >SHA256SUMS)
echo "updated the table in $readme"
