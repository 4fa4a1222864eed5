#!/usr/bin/env python3
"""Writes small crafted captures of protocol corners the recorded captures do not reach,
each checked against tshark 4.0 by tests/integration/tshark_diff.rs:

- ftp-passive-nat.pcap: a 227 naming an address other than the server's (NAT); the data
  channel must still take its RETR (Info, export's file name).
- tcp-flags.pcap: every flag, bit 8 (AE) included; window scaling; a mid-stream start.
- tls-versions.pcap: TLS 1.0 and 1.1, records split and joined, a TLS 1.3 Hello Retry
  Request with the client's middlebox Change Cipher Spec before its second Client Hello.
- snaplen-80.pcap, snaplen-150.pcap, snaplen-40.pcap: HTTP requests and responses cut by a
  capture's snaplen (heads cut; bodies cut; TCP headers cut): what was captured is shown,
  and the next message decodes.
- http-pipelined.pcap: two requests in one segment, two responses in one segment.
- ethertypes.pcap, ethertypes-sll.pcap: payloads of EtherTypes no decoder takes (named by
  Wireshark or not; plain, under 802.1Q and 802.1ad tags, empty; in Linux cooked
  captures): the EtherType as Protocol, its name or the carrier's as Info.

Deterministic, standard library only: python3 tests/data/crafted/make.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16; return (~s)&0xffff
def ip4(a): return bytes(int(x) for x in a.split('.'))
def eth(payload, etype=0x0800, src=b'\x00\x0c\x29\x00\x00\x01', dst=b'\x00\x0c\x29\x00\x00\x02'):
    return dst+src+struct.pack('!H',etype)+payload
def ipv4(src,dst,proto,payload,ident=1):
    h=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(payload),ident,0x4000,64,proto,0,ip4(src),ip4(dst))
    h=h[:10]+struct.pack('!H',csum(h))+h[12:]
    return h+payload
def tcp(src,dst,sport,dport,seq,ack,flags,payload=b'',win=65535,opts=b'',urg=0):
    while len(opts)%4: opts+=b'\x01'
    off=(20+len(opts))//4
    h=struct.pack('!HHIIHHHH',sport,dport,seq,ack,(off<<12)|flags,win,0,urg)+opts
    ph=ip4(src)+ip4(dst)+struct.pack('!BBH',0,6,len(h)+len(payload))
    c=csum(ph+h+payload)
    h=h[:16]+struct.pack('!H',c)+h[18:]
    return ipv4(src,dst,6,h+payload)
def udp(src,dst,sport,dport,payload):
    h=struct.pack('!HHHH',sport,dport,8+len(payload),0)
    return ipv4(src,dst,17,h+payload)
def write(fn, frames, linktype=1):
    with open(fn,'wb') as f:
        f.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,linktype))
        for i,fr in enumerate(frames):
            if isinstance(fr,tuple): fr,orig=fr
            else: orig=len(fr)
            f.write(struct.pack('<IIII',1000+i,0,len(fr),orig)); f.write(fr)
class Conn:
    """simple TCP conversation builder"""
    def __init__(s,c,sv,cp,sp,cseq=1000,sseq=5000):
        s.c,s.sv,s.cp,s.sp=c,sv,cp,sp; s.cs=cseq; s.ss=sseq; s.frames=[]
    def hs(s):
        s.frames.append(eth(tcp(s.c,s.sv,s.cp,s.sp,s.cs,0,0x02)))
        s.frames.append(eth(tcp(s.sv,s.c,s.sp,s.cp,s.ss,s.cs+1,0x12)))
        s.cs+=1; s.ss+=1
        s.frames.append(eth(tcp(s.c,s.sv,s.cp,s.sp,s.cs,s.ss,0x10)))
    def c2s(s,data,flags=0x18):
        s.frames.append(eth(tcp(s.c,s.sv,s.cp,s.sp,s.cs,s.ss,flags,data))); s.cs+=len(data)
    def s2c(s,data,flags=0x18):
        s.frames.append(eth(tcp(s.sv,s.c,s.sp,s.cp,s.ss,s.cs,flags,data))); s.ss+=len(data)

def ftp_passive_nat():
    C,S='10.0.0.1','203.0.113.5'
    c=Conn(C,S,40000,21); c.hs()
    c.s2c(b'220 hi\r\n'); c.c2s(b'USER a\r\n'); c.s2c(b'230 ok\r\n')
    c.c2s(b'PASV\r\n'); c.s2c(b'227 Entering Passive Mode (192,168,1,9,195,81)\r\n')
    c.c2s(b'RETR secret.txt\r\n'); c.s2c(b'150 ok\r\n')
    d=Conn(C,'192.168.1.9',40011,50001); d.hs(); d.s2c(b'top secret\n'); c.frames+=d.frames
    c.s2c(b'226 done\r\n')
    write(os.path.join(HERE, 'ftp-passive-nat.pcap'), c.frames)

def tcp_flags():
    F=[]
    a,b='10.0.0.1','10.0.0.2'
    F.append(eth(tcp(a,b,1111,80,100,0,0x000)))          # no flags
    F.append(eth(tcp(a,b,1111,81,100,0,0x100|0x02)))     # NS+SYN
    F.append(eth(tcp(a,b,1111,82,100,5,0x030,b'x',urg=1)))     # URG ACK
    F.append(eth(tcp(a,b,1111,83,100,5,0x0c2)))     # SYN ECE CWR
    # mid-stream
    F.append(eth(tcp(a,b,2222,90,70000,90000,0x18,b'hello')))
    F.append(eth(tcp(b,a,90,2222,90000,70005,0x10)))
    # window scaling
    ws=b'\x03\x03\x07'
    F.append(eth(tcp(a,b,3333,91,1,0,0x02,win=64240,opts=ws)))
    F.append(eth(tcp(b,a,91,3333,9,2,0x12,win=65160,opts=ws)))
    F.append(eth(tcp(a,b,3333,91,2,10,0x10,win=502)))
    F.append(eth(tcp(b,a,91,3333,10,2,0x18,b'abc',win=509)))
    write(os.path.join(HERE, 'tcp-flags.pcap'), F)

def rec(ct,ver,body): return struct.pack('!BHH',ct,ver,len(body))+body
def hs(t,body): return struct.pack('!B',t)+len(body).to_bytes(3,'big')+body
def ext(t,d): return struct.pack('!HH',t,len(d))+d
def ch(ver=0x0303, exts=b''):
    b=struct.pack('!H',ver)+b'\x11'*32+b'\x00'+struct.pack('!H',4)+b'\x13\x01\xc0\x2f'+b'\x01\x00'
    sni=ext(0,struct.pack('!H',9)+b'\x00'+struct.pack('!H',6)+b'ab.com')
    e=sni+exts
    b+=struct.pack('!H',len(e))+e
    return hs(1,b)
def sh(ver=0x0303, rnd=b'\x22'*32, exts=b'', cs=0x1301):
    b=struct.pack('!H',ver)+rnd+b'\x00'+struct.pack('!H',cs)+b'\x00'
    if exts: b+=struct.pack('!H',len(exts))+exts
    return hs(2,b)
HRR=bytes.fromhex('CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C')
sv13=ext(43,b'\x03\x04')
def tls_versions():
    # conn1: TLS1.0
    c=Conn('10.0.0.1','10.0.0.2',40001,443); c.hs()
    c.c2s(rec(22,0x0301,ch(0x0301)))
    c.s2c(rec(22,0x0301,sh(0x0301,cs=0x002f)+hs(14,b'')))
    c.c2s(rec(21,0x0301,b'\x02\x28'))
    # conn2: TLS1.1 with record split over two segments + two records in one segment
    c2=Conn('10.0.0.1','10.0.0.2',40002,443); c2.hs()
    r=rec(22,0x0301,ch(0x0302))
    c2.c2s(r[:20]); c2.c2s(r[20:])
    c2.s2c(rec(22,0x0302,sh(0x0302,cs=0x002f))+rec(22,0x0302,hs(14,b'')))
    c2.c2s(rec(20,0x0302,b'\x01')+rec(22,0x0302,b'\x99'*40))
    c2.s2c(rec(23,0x0302,b'\x55'*30)+rec(21,0x0302,b'\x01\x00'))
    # conn3: TLS1.3 with HRR
    c3=Conn('10.0.0.1','10.0.0.2',40003,443); c3.hs()
    c3.c2s(rec(22,0x0301,ch(0x0303,ext(43,b'\x04\x03\x04\x03\x03'))))
    c3.s2c(rec(22,0x0303,sh(0x0303,HRR,sv13)))
    c3.c2s(rec(20,0x0303,b'\x01')+rec(22,0x0303,ch(0x0303,ext(43,b'\x04\x03\x04\x03\x03'))))
    c3.s2c(rec(22,0x0303,sh(0x0303,b'\x33'*32,sv13))+rec(20,0x0303,b'\x01')+rec(23,0x0303,b'\x44'*50))
    # conn4: handshake message fragmented across two records
    c4=Conn('10.0.0.1','10.0.0.2',40004,443); c4.hs()
    m=ch(0x0303)
    c4.c2s(rec(22,0x0303,m[:30])+rec(22,0x0303,m[30:]))
    write(os.path.join(HERE, 'tls-versions.pcap'), c.frames + c2.frames + c3.frames + c4.frames)

def snaplen(cut):
    c = Conn('10.0.0.1', '10.0.0.2', 40000, 80)
    c.hs()
    c.c2s(b'GET /abc HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\n\r\n')
    c.s2c(b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n' + b'x' * 100)
    c.c2s(b'GET /def HTTP/1.1\r\nHost: example.com\r\n\r\n')
    c.s2c(b'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
    write(os.path.join(HERE, 'snaplen-%d.pcap' % cut), [(f[:cut], len(f)) for f in c.frames])


def http_pipelined():
    c = Conn('192.168.1.2', '192.168.1.3', 51000, 8080)
    c.hs()
    c.c2s(b'GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\n\r\n')
    c.s2c(b'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nAHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nB')
    write(os.path.join(HERE, 'http-pipelined.pcap'), c.frames)


def ethertypes():
    src, dst = b'\x00\x50\x56\xa1\x10\x15', b'\xff' * 6
    tag = lambda tpid, tci, etype: struct.pack('>HHH', tpid, tci, etype)
    F = [
        eth(b'hello, experimental' + bytes(30), 0x88b5, src, dst),
        eth(bytes(46), 0x1234, src, dst),
        eth(bytes(46), 0x0842, src, dst),
        dst + src + tag(0x8100, 0x0005, 0x88b5) + bytes(42),
        dst + src + tag(0x8100, 0xe00a, 0x1234) + bytes(42),
        dst + src + tag(0x88a8, 0x0007, 0x1234) + bytes(42),
        dst + src + tag(0x88a8, 0x0007, 0x8100) + struct.pack('>HH', 0x2005, 0x1234) + bytes(42),
        eth(b'', 0x88b5, src, dst),
    ]
    write(os.path.join(HERE, 'ethertypes.pcap'), F)
    sll = lambda pkttype, proto, payload: struct.pack('>HHH8sH', pkttype, 1, 6, src + b'\0\0', proto) + payload
    write(os.path.join(HERE, 'ethertypes-sll.pcap'),
          [sll(0, 0x88b5, bytes(20)), sll(4, 0x1234, bytes(20)), sll(9, 0x1234, bytes(20))], 113)


if __name__ == "__main__":
    ftp_passive_nat()
    tcp_flags()
    tls_versions()
    for cut in (40, 80, 150):
        snaplen(cut)
    http_pipelined()
    ethertypes()
