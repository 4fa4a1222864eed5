#!/usr/bin/env python3
"""Traffic for the L2-L4 test captures, driven by record.sh inside network namespaces.

`lab_traffic.py serve ADDR` runs the servers in the server namespace;
`lab_traffic.py drive ADDR4 ADDR6` runs the client scenarios against them.
Every scenario uses real kernel TCP/UDP stacks; nothing here crafts packets.
"""
import socket
import struct
import sys
import threading
import time


def echo_lines(conn):
    """Port 9000: answer each line with its upper-case echo, close on EOF (FIN)."""
    with conn:
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                conn.sendall(line.upper() + b"\n")


def send_then_wait(conn):
    """Port 9001: send a greeting; the client answers with a reset."""
    with conn:
        conn.sendall(b"greeting from the server\n")
        try:
            while conn.recv(4096):
                pass
        except ConnectionResetError:
            pass


def sink(conn):
    """Ports 9002/9003: read everything (the firewall drops some segments once)."""
    with conn:
        while conn.recv(65536):
            pass


def slow_reader(conn):
    """Port 9004: a tiny receive buffer read late, so the window closes to zero."""
    with conn:
        time.sleep(1.5)
        while True:
            data = conn.recv(1024)
            if not data:
                return
            time.sleep(0.01)


def tcp_server(family, addr, port, handler, rcvbuf=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((addr, port))
    s.listen(8)

    def loop():
        while True:
            conn, _ = s.accept()
            threading.Thread(target=handler, args=(conn,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def udp_echo(family, addr, port):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((addr, port))

    def loop():
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(data[::-1], peer)

    threading.Thread(target=loop, daemon=True).start()


def serve(addr4, addr6):
    for fam, addr in ((socket.AF_INET, addr4), (socket.AF_INET6, addr6)):
        tcp_server(fam, addr, 9000, echo_lines)
        udp_echo(fam, addr, 9999)
    tcp_server(socket.AF_INET, addr4, 9001, send_then_wait)
    tcp_server(socket.AF_INET, addr4, 9002, sink)
    tcp_server(socket.AF_INET, addr4, 9003, sink)
    tcp_server(socket.AF_INET, addr4, 9004, slow_reader, rcvbuf=2048)
    print("ready", flush=True)
    while True:
        time.sleep(60)


def converse(family, addr):
    with socket.create_connection((addr, 9000)) as c:
        for line in (b"hello wirelab\n", b"second line\n", b"bye\n"):
            c.sendall(line)
            c.recv(4096)
            time.sleep(0.05)
        c.shutdown(socket.SHUT_WR)
        while c.recv(4096):
            pass


def reset(addr):
    c = socket.create_connection((addr, 9001))
    c.recv(4096)
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def burst(addr, port, segments, size):
    with socket.create_connection((addr, port)) as c:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(segments):
            c.sendall(bytes([65 + i % 26]) * size)
        time.sleep(0.6)
        c.shutdown(socket.SHUT_WR)
        time.sleep(0.3)


def zero_window(addr):
    with socket.create_connection((addr, 9004)) as c:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        c.sendall(b"z" * 12000)
        c.shutdown(socket.SHUT_WR)
        time.sleep(2.5)


def refused(addr):
    try:
        socket.create_connection((addr, 9009), timeout=2).close()
    except OSError:
        pass


def udp(family, addr, port):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(1)
    s.sendto(b"ping over udp", (addr, port))
    try:
        s.recvfrom(2048)
    except OSError:
        pass
    s.close()


def drive(addr4, addr6):
    converse(socket.AF_INET, addr4)
    reset(addr4)
    burst(addr4, 9002, 12, 1000)   # one dropped in the middle: dup ACKs, fast retransmission
    burst(addr4, 9003, 1, 500)     # the only segment dropped once: timeout retransmission
    zero_window(addr4)
    refused(addr4)
    udp(socket.AF_INET, addr4, 9999)
    udp(socket.AF_INET, addr4, 9998)   # nobody listens: ICMP port unreachable
    converse(socket.AF_INET6, addr6)
    udp(socket.AF_INET6, addr6, 9999)
    udp(socket.AF_INET6, addr6, 9998)  # ICMPv6 port unreachable


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3])
    else:
        drive(sys.argv[2], sys.argv[3])
