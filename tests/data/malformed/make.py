#!/usr/bin/env python3
"""Writes wirelab's malformed-input corpus into this folder (tests/data/malformed/).

Deterministic and standard library only: run it again and the files come out the same,
byte for byte. Every capture is as small as the damage allows: application-layer cases
open with a TCP handshake (SYN, SYN-ACK) on the analyzer's port so the right decoder is
chosen, then carry the damaged message. IPv4/TCP/UDP lengths are right; checksums are
zero (tshark does not check them by default, and neither does wirelab).

Run: python3 tests/data/malformed/make.py   (tests/integration/malformed.rs tests them)
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

CLIENT_MAC = bytes.fromhex("020000000001")
SERVER_MAC = bytes.fromhex("020000000002")
CLIENT_IP = bytes([10, 0, 0, 1])
SERVER_IP = bytes([10, 0, 0, 2])
CLIENT_PORT = 40000

# TCP flags
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10


# --- link, network and transport layers -------------------------------------------

def ethernet(src_mac, dst_mac, payload, ethertype=0x0800):
    return dst_mac + src_mac + struct.pack(">H", ethertype) + payload


def ipv4(src, dst, proto, payload, ident=1):
    # Version 4, IHL 5, total length right, DF set, TTL 64, checksum zero.
    header = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, src, dst)
    return header + payload


def tcp(sport, dport, seq, ack, flags, payload=b"", offset_words=5, window=64240):
    header = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, offset_words << 4, flags, window, 0, 0)
    return header + payload


def udp(sport, dport, payload):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


class TcpConversation:
    """A client and a server on one port: frames with running sequence numbers."""

    def __init__(self, port):
        self.port = port
        self.seq = {True: 1000, False: 5000}  # keyed by from_client
        self.frames = []

    def segment(self, from_client, flags, payload=b"", offset_words=5):
        if from_client:
            macs, ips, ports = (CLIENT_MAC, SERVER_MAC), (CLIENT_IP, SERVER_IP), (CLIENT_PORT, self.port)
        else:
            macs, ips, ports = (SERVER_MAC, CLIENT_MAC), (SERVER_IP, CLIENT_IP), (self.port, CLIENT_PORT)
        ack = self.seq[not from_client] if flags & ACK else 0
        segment = tcp(ports[0], ports[1], self.seq[from_client], ack, flags, payload, offset_words)
        frame = ethernet(macs[0], macs[1], ipv4(ips[0], ips[1], 6, segment, ident=len(self.frames) + 1))
        self.frames.append(frame)
        self.seq[from_client] += len(payload) + (1 if flags & (SYN | FIN) else 0)
        return frame

    def handshake(self):
        self.segment(True, SYN)
        self.segment(False, SYN | ACK)
        return self

    def send(self, from_client, payload, mss=None):
        """Sends the payload in segments of at most `mss` bytes (one segment by default)."""
        mss = mss or max(len(payload), 1)
        for at in range(0, len(payload), mss):
            self.segment(from_client, PSH | ACK, payload[at:at + mss])
        return self


def udp_frame(sport, dport, payload, from_client=True):
    macs, ips = ((CLIENT_MAC, SERVER_MAC), (CLIENT_IP, SERVER_IP)) if from_client else \
        ((SERVER_MAC, CLIENT_MAC), (SERVER_IP, CLIENT_IP))
    return ethernet(macs[0], macs[1], ipv4(ips[0], ips[1], 17, udp(sport, dport, payload)))


# --- file formats --------------------------------------------------------------------

def pcap_header(snaplen=65535, linktype=1, magic=0xA1B2C3D4):
    return struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(frame, index, incl_len=None, orig_len=None):
    incl = len(frame) if incl_len is None else incl_len
    orig = len(frame) if orig_len is None else orig_len
    # One frame every 10 ms from 2024-01-01 00:00:00 UTC.
    return struct.pack("<IIII", 1704067200, index * 10000, incl, orig) + frame


def pcap(frames, snaplen=65535):
    return pcap_header(snaplen) + b"".join(pcap_record(f, i) for i, f in enumerate(frames))


def pcapng_block(block_type, body, total_len=None, trailer=None):
    body += b"\0" * (-len(body) % 4)
    length = 12 + len(body)
    head = total_len if total_len is not None else length
    tail = trailer if trailer is not None else length
    return struct.pack("<II", block_type, head) + body + struct.pack("<I", tail)


def shb():
    return pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(linktype=1, snaplen=65535):
    return pcapng_block(1, struct.pack("<HHI", linktype, 0, snaplen))


def epb(frame, index, interface=0):
    ts = 1704067200 * 1000000 + index * 10000  # microseconds (the default if_tsresol)
    body = struct.pack("<IIIII", interface, ts >> 32, ts & 0xFFFFFFFF, len(frame), len(frame)) + frame
    return pcapng_block(6, body)


# --- application messages -------------------------------------------------------------

def nbss(message):
    """NetBIOS session message framing (RFC 1002), as SMB over TCP 445 uses it."""
    return struct.pack(">BBH", 0, len(message) >> 16, len(message) & 0xFFFF) + message


def smb2_header(command, next_command=0, message_id=0, flags=0, status=0):
    return (b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 1, status, command, 1, flags, next_command,
                                      message_id, 0xFEFF, 0, 0) + b"\0" * 16)


def smb2_echo(next_command=0, message_id=0):
    # ECHO request: StructureSize 4, reserved: 4 bytes of body.
    return smb2_header(0x000D, next_command, message_id) + struct.pack("<HH", 4, 0)


def utf16(text):
    return text.encode("utf-16-le")


def ntlmssp_auth(domain, user, host, user_field=None):
    """An NTLMSSP_AUTHENTICATE message with Unicode names after its 64-byte header;
    `user_field` (length, offset) overrides where the user name is said to be."""
    names = [utf16(domain), utf16(user), utf16(host)]
    offset = 64
    fields = []
    for name in names:
        fields.append((len(name), offset))
        offset += len(name)
    if user_field is not None:
        fields[1] = user_field

    def field(length, at):
        return struct.pack("<HHI", length, length, at)

    empty = field(0, offset)
    message = (b"NTLMSSP\0" + struct.pack("<I", 3) + empty + empty + field(*fields[0]) + field(*fields[1])
               + field(*fields[2]) + empty + struct.pack("<I", 0x00000001 | 0x00000200))
    assert len(message) == 64
    return message + b"".join(names)


def smb2_session_setup(blob, trailing=b""):
    """SESSION_SETUP request (MS-SMB2 2.2.5) with the blob right after its 24-byte body."""
    body = struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0, 64 + 24, len(blob), 0)
    return smb2_header(0x0001, message_id=1) + body + blob + trailing


def dns_header(ident, flags, qd, an, ns=0, ar=0):
    return struct.pack(">HHHHHH", ident, flags, qd, an, ns, ar)


def dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


# --- the corpus ----------------------------------------------------------------------

def tcp_data_offset_beyond_segment():
    c = TcpConversation(80).handshake()
    # Data offset 15 words (60 bytes) in a segment of 20 + 10 bytes.
    c.segment(True, PSH | ACK, b"GET / HTTP", offset_words=15)
    return pcap(c.frames)


def tls_record(length, data_len, mss=1448):
    c = TcpConversation(443).handshake()
    record = b"\x17\x03\x03" + struct.pack(">H", length) + bytes(data_len)
    return pcap(c.send(True, record, mss).frames)


def smb2_nextcommand_loop():
    # Two compounded ECHO requests; the second's NextCommand is 0xffffffc0, which read as
    # a signed offset (-64) points back at itself: a decoder that adds it wraps around.
    first = smb2_echo(next_command=72, message_id=1) + b"\0" * 4  # padded to 8
    second = smb2_echo(next_command=0xFFFFFFC0, message_id=2)
    c = TcpConversation(445).handshake()
    return pcap(c.send(True, nbss(first + second)).frames)


def smb2_nextcommand_beyond_message():
    # One ECHO whose NextCommand (4096) points past the end of its 68-byte message.
    c = TcpConversation(445).handshake()
    return pcap(c.send(True, nbss(smb2_echo(next_command=4096, message_id=1))).frames)


def smb2_offset_outside_message():
    # TREE_CONNECT request whose path offset (0xfff0) is far outside the message.
    body = struct.pack("<HHHH", 9, 0, 0xFFF0, 24) + utf16("\\\\srv\\IPC$")
    c = TcpConversation(445).handshake()
    return pcap(c.send(True, nbss(smb2_header(0x0003, message_id=1) + body)).frames)


def ntlmssp_offset_outside_blob():
    # The user name's offset points just past the security blob, at bytes of the SMB2
    # message that follow it (and that spell a name): they are not part of the blob.
    outside = utf16("LEAKED")
    blob_len = len(ntlmssp_auth("LAB", "", "WS01"))
    auth = ntlmssp_auth("LAB", "", "WS01", user_field=(len(outside), blob_len))
    c = TcpConversation(445).handshake()
    return pcap(c.send(True, nbss(smb2_session_setup(auth, trailing=outside))).frames)


def dns_compression_loop():
    # A response whose question name is a pointer to itself (offset 12), and whose answer
    # name is a pointer to a label followed by a pointer back to that label.
    query = dns_header(0x1234, 0x0100, 1, 0) + dns_name("example.com") + struct.pack(">HH", 1, 1)
    question = b"\xc0\x0c" + struct.pack(">HH", 1, 1)
    # At offset 18: label "a" then a pointer back to offset 18.
    answer_name_at = 12 + len(question)
    answer = b"\x01a\xc0" + bytes([answer_name_at]) + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([10, 0, 0, 9])
    response = dns_header(0x4321, 0x8180, 1, 1) + question + answer
    return pcap([udp_frame(53000, 53, query), udp_frame(53, 53000, response, from_client=False)])


def ftp_227_tuple_over_255():
    c = TcpConversation(21).handshake()
    c.send(False, b"220 ready\r\n")
    c.send(True, b"PASV\r\n")
    c.send(False, b"227 Entering Passive Mode (10,0,0,300,4,1).\r\n")
    c.send(True, b"PASV\r\n")
    c.send(False, b"227 Entering Passive Mode (10,0,0,2,256,1).\r\n")
    c.send(True, b"PORT 10,0,0,1,999,2\r\n")
    return pcap(c.frames)


def http_header_line_1mb():
    line = b"X-Long: " + b"a" * (1 << 20) + b"\r\n"
    request = b"GET / HTTP/1.1\r\nHost: example\r\n" + line + b"\r\n"
    c = TcpConversation(80).handshake()
    # Large segments (as a capture taken with offloading shows them) keep the file small.
    # The blank line that ends the head comes alone, after more than 1 MiB of head.
    c.send(True, request[:-4], mss=65000)
    return pcap(c.send(True, request[-4:]).frames)


def http_chunk_size_overflow():
    c = TcpConversation(80).handshake()
    c.send(True, b"GET / HTTP/1.1\r\nHost: example\r\n\r\n")
    # 17 hex digits: more than 64 bits.
    c.send(False, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nabc\r\n0\r\n\r\n")
    return pcap(c.frames)


def sample_frames():
    """A tiny valid conversation for the file-format cases: a DNS query and its answer."""
    query = dns_header(0x1234, 0x0100, 1, 0) + dns_name("example.com") + struct.pack(">HH", 1, 1)
    return [udp_frame(53000, 53, query)]


def pcap_snaplen(snaplen):
    return pcap(sample_frames(), snaplen=snaplen)


def pcap_wrong_magic():
    data = pcap(sample_frames())
    return struct.pack("<I", 0xA1B2C3D5) + data[4:]


def pcap_record_length_beyond_file():
    frame = sample_frames()[0]
    # One good record, then one that announces 1000 bytes and holds 10.
    return pcap([frame]) + struct.pack("<IIII", 1704067201, 0, 1000, 1000) + bytes(10)


def pcap_record_length_over_max():
    frame = sample_frames()[0]
    return pcap([frame]) + struct.pack("<IIII", 1704067201, 0, 0x7FFFFFFF, 0x7FFFFFFF) + bytes(16)


def pcap_truncated_record_header():
    return pcap(sample_frames()) + bytes(7)


def pcapng_block_length_beyond_file():
    frame = sample_frames()[0]
    good = shb() + idb() + epb(frame, 0)
    # The next block announces 4096 bytes; the file ends 32 bytes into it.
    return good + struct.pack("<II", 6, 4096) + bytes(24)


def pcapng_block_length_not_multiple_of_4():
    frame = sample_frames()[0]
    return shb() + idb() + epb(frame, 0) + struct.pack("<II", 6, 30) + bytes(22)


def pcapng_block_trailer_mismatch():
    frame = sample_frames()[0]
    bad = epb(frame, 1)
    bad = bad[:-4] + struct.pack("<I", len(bad) + 4)
    return shb() + idb() + epb(frame, 0) + bad


def pcapng_epb_before_idb():
    return shb() + epb(sample_frames()[0], 0) + idb()


def pcapng_bad_byte_order_magic():
    return pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4E, 1, 0, -1)) + idb()


def pcapng_snaplen_zero():
    return shb() + idb(snaplen=0) + epb(sample_frames()[0], 0)


CORPUS = {
    "pcap-wrong-magic.pcap": pcap_wrong_magic,
    "pcap-snaplen-zero.pcap": lambda: pcap_snaplen(0),
    "pcap-snaplen-huge.pcap": lambda: pcap_snaplen(0xFFFFFFFF),
    "pcap-record-length-beyond-file.pcap": pcap_record_length_beyond_file,
    "pcap-record-length-over-262144.pcap": pcap_record_length_over_max,
    "pcap-record-header-truncated.pcap": pcap_truncated_record_header,
    "pcapng-block-length-beyond-file.pcapng": pcapng_block_length_beyond_file,
    "pcapng-block-length-not-multiple-of-4.pcapng": pcapng_block_length_not_multiple_of_4,
    "pcapng-block-trailer-mismatch.pcapng": pcapng_block_trailer_mismatch,
    "pcapng-epb-before-idb.pcapng": pcapng_epb_before_idb,
    "pcapng-bad-byte-order-magic.pcapng": pcapng_bad_byte_order_magic,
    "pcapng-snaplen-zero.pcapng": pcapng_snaplen_zero,
    "tcp-data-offset-beyond-segment.pcap": tcp_data_offset_beyond_segment,
    "tls-record-18432-bytes-max.pcap": lambda: tls_record(18432, 18432),
    "tls-record-18433-bytes.pcap": lambda: tls_record(18433, 18433),
    "smb2-nextcommand-loop.pcap": smb2_nextcommand_loop,
    "smb2-nextcommand-beyond-message.pcap": smb2_nextcommand_beyond_message,
    "smb2-offset-outside-message.pcap": smb2_offset_outside_message,
    "ntlmssp-offset-outside-blob.pcap": ntlmssp_offset_outside_blob,
    "dns-compression-loop.pcap": dns_compression_loop,
    "ftp-227-tuple-over-255.pcap": ftp_227_tuple_over_255,
    "http-header-line-1mb.pcap": http_header_line_1mb,
    "http-chunk-size-overflow.pcap": http_chunk_size_overflow,
}


def main():
    for name, make in CORPUS.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(make())


if __name__ == "__main__":
    main()
