//! The field registry: every value wirelab decodes has a Wireshark display-filter name,
//! a kind that fixes how it prints (as `tshark -T fields` prints it) and a description.
//! One list serves display filters, field output, lesson answers and tshark comparisons.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use super::text::escape_bytes;

/// How a field's values print and compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Unsigned integer in decimal.
    Dec,
    /// Unsigned integer in hexadecimal with a fixed number of digits (0x%02x, 0x%04x...).
    Hex(u8),
    Bool,
    Ipv4,
    Ipv6,
    Ether,
    Str,
    Bytes,
    /// Seconds relative to the first frame, nanosecond precision.
    RelTime,
    /// Seconds since the Unix epoch, nanosecond precision.
    AbsTime,
    /// A moment printed as a UTC date (`Apr 15, 2024 23:59:59.000000000 UTC`), as
    /// Wireshark prints its UTC time fields; filters compare it as [`Kind::AbsTime`].
    UtcDate,
    /// Present or absent, no value (Wireshark's FT_NONE): prints as "1".
    Flag,
    /// An ASN.1 object identifier, kept encoded (filters compare the bytes, as Wireshark
    /// does) and printed in dotted form.
    Oid,
}

macro_rules! fields {
    ($( $variant:ident = $name:literal, $kind:expr, $desc:literal; )*) => {
        /// A named field. Names match `tshark -G fields`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field { $($variant),* }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Field::$variant => $name),* }
            }

            pub fn kind(self) -> Kind {
                match self { $(Field::$variant => $kind),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Field::$variant => $desc),* }
            }
        }
    };
}

use Kind::*;

fields! {
    FrameNumber = "frame.number", Dec, "Frame number, from 1";
    FrameTimeRelative = "frame.time_relative", RelTime, "Seconds since the first frame";
    FrameTimeEpoch = "frame.time_epoch", AbsTime, "Arrival time, seconds since 1970-01-01 UTC";
    FrameTimeDelta = "frame.time_delta", RelTime, "Seconds since the frame before it in the file";
    FrameLen = "frame.len", Dec, "Frame length on the wire, in bytes";
    FrameCapLen = "frame.cap_len", Dec, "Bytes captured (less than frame.len when cut by the snaplen)";
    WirelabFrameBytes = "wirelab.frame.bytes", Bytes, "The frame's bytes as captured, what a protocol with contains or matches searches (wirelab's own field)";
    FrameInterfaceId = "frame.interface_id", Dec, "pcapng interface the frame was captured on";
    FrameProtocols = "frame.protocols", Str, "Protocols in the frame, outermost first";

    EthDst = "eth.dst", Ether, "Ethernet destination address";
    EthSrc = "eth.src", Ether, "Ethernet source address";
    EthAddr = "eth.addr", Ether, "Either Ethernet address";
    EthType = "eth.type", Hex(4), "EtherType of the payload";
    VlanId = "vlan.id", Dec, "802.1Q VLAN identifier";
    VlanPriority = "vlan.priority", Dec, "802.1Q priority code point";
    VlanEtype = "vlan.etype", Hex(4), "EtherType after the VLAN tag";
    Ieee8021adId = "ieee8021ad.id", Dec, "802.1ad (QinQ) service VLAN identifier";
    SllPkttype = "sll.pkttype", Dec, "Linux cooked capture packet type (0 to us, 4 outgoing...)";
    SllSrcEth = "sll.src.eth", Ether, "Linux cooked capture link-layer source";
    SllEtype = "sll.etype", Hex(4), "Linux cooked capture protocol";
    SllIfindex = "sll.ifindex", Dec, "Linux cooked capture v2 interface index";
    NullFamily = "null.family", Dec, "BSD loopback address family";

    IpVersion = "ip.version", Dec, "IP version";
    IpHdrLen = "ip.hdr_len", Dec, "IPv4 header length, in bytes";
    IpDsfield = "ip.dsfield", Hex(2), "IPv4 differentiated services field";
    IpLen = "ip.len", Dec, "IPv4 total length";
    IpId = "ip.id", Hex(4), "IPv4 identification";
    IpFlags = "ip.flags", Hex(2), "IPv4 flags (0x02 don't fragment, 0x01 more fragments)";
    IpFlagsDf = "ip.flags.df", Bool, "IPv4 don't fragment";
    IpFlagsMf = "ip.flags.mf", Bool, "IPv4 more fragments";
    IpFragOffset = "ip.frag_offset", Dec, "IPv4 fragment offset, in 8-byte units as in the header (tshark -V shows it times 8, in bytes)";
    IpTtl = "ip.ttl", Dec, "IPv4 time to live";
    IpProto = "ip.proto", Dec, "IPv4 payload protocol number (6 TCP, 17 UDP, 1 ICMP)";
    IpChecksum = "ip.checksum", Hex(4), "IPv4 header checksum";
    IpSrc = "ip.src", Ipv4, "IPv4 source address";
    IpDst = "ip.dst", Ipv4, "IPv4 destination address";
    IpAddr = "ip.addr", Ipv4, "Either IPv4 address";

    Ipv6Plen = "ipv6.plen", Dec, "IPv6 payload length";
    Ipv6Nxt = "ipv6.nxt", Dec, "IPv6 next header";
    Ipv6Hlim = "ipv6.hlim", Dec, "IPv6 hop limit";
    Ipv6Src = "ipv6.src", Ipv6, "IPv6 source address";
    Ipv6Dst = "ipv6.dst", Ipv6, "IPv6 destination address";
    Ipv6Addr = "ipv6.addr", Ipv6, "Either IPv6 address";

    TcpSrcport = "tcp.srcport", Dec, "TCP source port";
    TcpDstport = "tcp.dstport", Dec, "TCP destination port";
    TcpPort = "tcp.port", Dec, "Either TCP port";
    TcpStream = "tcp.stream", Dec, "TCP conversation index, from 0 in order of appearance";
    TcpLen = "tcp.len", Dec, "TCP payload length";
    TcpSeq = "tcp.seq", Dec, "TCP sequence number, relative to the first of its direction";
    TcpSeqRaw = "tcp.seq_raw", Dec, "TCP sequence number as sent";
    TcpNxtseq = "tcp.nxtseq", Dec, "Relative sequence number of the next segment";
    TcpAck = "tcp.ack", Dec, "TCP acknowledgement number, relative";
    TcpAckRaw = "tcp.ack_raw", Dec, "TCP acknowledgement number as sent";
    TcpHdrLen = "tcp.hdr_len", Dec, "TCP header length, in bytes";
    TcpFlags = "tcp.flags", Hex(4), "TCP flags";
    TcpFlagsAe = "tcp.flags.ae", Bool, "Accurate ECN flag (once called NS, the ECN nonce)";
    TcpFlagsCwr = "tcp.flags.cwr", Bool, "TCP congestion window reduced";
    TcpFlagsEce = "tcp.flags.ece", Bool, "TCP ECN echo";
    TcpFlagsUrg = "tcp.flags.urg", Bool, "TCP urgent";
    TcpFlagsAck = "tcp.flags.ack", Bool, "TCP acknowledgment";
    TcpFlagsPush = "tcp.flags.push", Bool, "TCP push";
    TcpFlagsReset = "tcp.flags.reset", Bool, "TCP reset";
    TcpFlagsSyn = "tcp.flags.syn", Bool, "TCP synchronize (connection set-up)";
    TcpFlagsFin = "tcp.flags.fin", Bool, "TCP finish (orderly close)";
    TcpFlagsStr = "tcp.flags.str", Str, "TCP flags as letters";
    TcpWindowSizeValue = "tcp.window_size_value", Dec, "TCP window as sent";
    TcpWindowSize = "tcp.window_size", Dec, "TCP window after scaling";
    TcpChecksum = "tcp.checksum", Hex(4), "TCP checksum (not verified)";
    TcpUrgentPointer = "tcp.urgent_pointer", Dec, "TCP urgent pointer";
    TcpOptionsMss = "tcp.options.mss_val", Dec, "TCP maximum segment size option";
    TcpOptionsWscaleShift = "tcp.options.wscale.shift", Dec, "TCP window scale shift";
    TcpOptionsWscaleMultiplier = "tcp.options.wscale.multiplier", Dec, "TCP window scale multiplier";
    TcpOptionsSackPerm = "tcp.options.sack_perm", Bytes, "TCP SACK permitted option (its bytes, 04:02, as tshark holds it)";
    TcpOptionsSackLe = "tcp.options.sack_le", Dec, "TCP SACK left edge (relative)";
    TcpOptionsSackRe = "tcp.options.sack_re", Dec, "TCP SACK right edge (relative)";
    TcpOptionsTsval = "tcp.options.timestamp.tsval", Dec, "TCP timestamp value";
    TcpOptionsTsecr = "tcp.options.timestamp.tsecr", Dec, "TCP timestamp echo reply";
    TcpAnalysisFlags = "tcp.analysis.flags", Flag, "Any TCP analysis finding";
    TcpAnalysisRetransmission = "tcp.analysis.retransmission", Flag, "Retransmitted segment";
    TcpAnalysisFastRetransmission = "tcp.analysis.fast_retransmission", Flag, "Fast retransmission after duplicate ACKs";
    TcpAnalysisSpuriousRetransmission = "tcp.analysis.spurious_retransmission", Flag, "Retransmission of data already acknowledged";
    TcpAnalysisOutOfOrder = "tcp.analysis.out_of_order", Flag, "Segment arrived out of order";
    TcpAnalysisLostSegment = "tcp.analysis.lost_segment", Flag, "Previous segment not captured";
    TcpAnalysisAckLostSegment = "tcp.analysis.ack_lost_segment", Flag, "ACKs a segment that was not captured";
    TcpAnalysisDuplicateAck = "tcp.analysis.duplicate_ack", Flag, "Duplicate acknowledgement";
    TcpAnalysisDuplicateAckNum = "tcp.analysis.duplicate_ack_num", Dec, "Which duplicate ACK this is";
    TcpAnalysisDuplicateAckFrame = "tcp.analysis.duplicate_ack_frame", Dec, "Frame of the original ACK";
    TcpAnalysisZeroWindow = "tcp.analysis.zero_window", Flag, "Receiver's window is zero";
    TcpAnalysisZeroWindowProbe = "tcp.analysis.zero_window_probe", Flag, "Probe of a zero window";
    TcpAnalysisZeroWindowProbeAck = "tcp.analysis.zero_window_probe_ack", Flag, "ACK of a zero-window probe";
    TcpAnalysisKeepAlive = "tcp.analysis.keep_alive", Flag, "TCP keep-alive";
    TcpAnalysisKeepAliveAck = "tcp.analysis.keep_alive_ack", Flag, "ACK of a TCP keep-alive";
    TcpAnalysisWindowUpdate = "tcp.analysis.window_update", Flag, "Window grew, nothing else changed";
    TcpAnalysisWindowFull = "tcp.analysis.window_full", Flag, "Segment fills the receiver's window";
    TcpAnalysisReusedPorts = "tcp.analysis.reused_ports", Flag, "SYN reuses the ports of an earlier connection";
    TcpPayload = "tcp.payload", Bytes, "TCP payload bytes";

    UdpSrcport = "udp.srcport", Dec, "UDP source port";
    UdpDstport = "udp.dstport", Dec, "UDP destination port";
    UdpPort = "udp.port", Dec, "Either UDP port";
    UdpLength = "udp.length", Dec, "UDP length (header and payload)";
    UdpChecksum = "udp.checksum", Hex(4), "UDP checksum (not verified)";
    UdpStream = "udp.stream", Dec, "UDP conversation index, from 0 in order of appearance";
    UdpPayload = "udp.payload", Bytes, "UDP payload bytes";

    IcmpType = "icmp.type", Dec, "ICMP type (8 echo request, 0 echo reply, 3 unreachable...)";
    IcmpCode = "icmp.code", Dec, "ICMP code";
    IcmpChecksum = "icmp.checksum", Hex(4), "ICMP checksum";
    IcmpIdent = "icmp.ident", Dec, "ICMP echo identifier";
    IcmpSeq = "icmp.seq", Dec, "ICMP echo sequence number (big-endian)";
    IcmpSeqLe = "icmp.seq_le", Dec, "ICMP echo sequence number read little-endian";
    IcmpRespTo = "icmp.resp_to", Dec, "Frame of the echo request";
    IcmpRespIn = "icmp.resp_in", Dec, "Frame of the reply to this echo request (two-pass)";
    IcmpNoResp = "icmp.no_resp", Flag, "No reply to this echo request in the capture (two-pass)";
    Icmpv6RespIn = "icmpv6.resp_in", Dec, "Frame of the reply to this echo request (two-pass)";
    Icmpv6NoResp = "icmpv6.no_resp", Flag, "No reply to this echo request in the capture (two-pass)";
    Icmpv6Type = "icmpv6.type", Dec, "ICMPv6 type (128 echo request, 135 neighbor solicitation...)";
    Icmpv6Code = "icmpv6.code", Dec, "ICMPv6 code";
    Icmpv6EchoIdentifier = "icmpv6.echo.identifier", Hex(4), "ICMPv6 echo identifier";
    Icmpv6EchoSequenceNumber = "icmpv6.echo.sequence_number", Dec, "ICMPv6 echo sequence number";
    Icmpv6NdNsTargetAddress = "icmpv6.nd.ns.target_address", Ipv6, "Neighbor solicitation target";
    Icmpv6NdNaTargetAddress = "icmpv6.nd.na.target_address", Ipv6, "Neighbor advertisement target";

    ArpHwType = "arp.hw.type", Dec, "ARP hardware type (1 Ethernet)";
    ArpProtoType = "arp.proto.type", Hex(4), "ARP protocol type";
    ArpOpcode = "arp.opcode", Dec, "ARP opcode (1 request, 2 reply)";
    ArpSrcHwMac = "arp.src.hw_mac", Ether, "ARP sender MAC address";
    ArpSrcProtoIpv4 = "arp.src.proto_ipv4", Ipv4, "ARP sender IPv4 address";
    ArpDstHwMac = "arp.dst.hw_mac", Ether, "ARP target MAC address";
    ArpDstProtoIpv4 = "arp.dst.proto_ipv4", Ipv4, "ARP target IPv4 address";
    ArpIsGratuitous = "arp.isgratuitous", Bool, "ARP sender and target addresses are equal";

    DataData = "data.data", Bytes, "Payload no decoder claimed";
    DataLen = "data.len", Dec, "Length of that payload";

    HttpRequest = "http.request", Bool, "The message is an HTTP request";
    HttpResponse = "http.response", Bool, "The message is an HTTP response";
    HttpRequestMethod = "http.request.method", Str, "Request method (GET, POST, ...)";
    HttpRequestUri = "http.request.uri", Str, "Request target as sent";
    HttpRequestVersion = "http.request.version", Str, "HTTP version of a request";
    HttpRequestFullUri = "http.request.full_uri", Str, "Request target with scheme and host";
    HttpResponseVersion = "http.response.version", Str, "HTTP version of a response";
    HttpResponseCode = "http.response.code", Dec, "Status code";
    HttpResponsePhrase = "http.response.phrase", Str, "Reason phrase";
    HttpRequestIn = "http.request_in", Dec, "Frame of the request this response answers";
    HttpTime = "http.time", RelTime, "Seconds from the request to this response";
    HttpResponseForUri = "http.response_for.uri", Str, "Target of the request this response answers";
    HttpHost = "http.host", Str, "Host header";
    HttpUserAgent = "http.user_agent", Str, "User-Agent header";
    HttpAccept = "http.accept", Str, "Accept header";
    HttpReferer = "http.referer", Str, "Referer header";
    HttpCookie = "http.cookie", Str, "Cookie header";
    HttpSetCookie = "http.set_cookie", Str, "Set-Cookie header";
    HttpAuthorization = "http.authorization", Str, "Authorization header";
    HttpConnection = "http.connection", Str, "Connection header";
    HttpContentType = "http.content_type", Str, "Content-Type header";
    HttpContentLengthHeader = "http.content_length_header", Str, "Content-Length header as sent";
    HttpContentLength = "http.content_length", Dec, "Content-Length as a number";
    HttpTransferEncoding = "http.transfer_encoding", Str, "Transfer-Encoding header";
    HttpServer = "http.server", Str, "Server header";
    HttpLocation = "http.location", Str, "Location header (redirect target)";
    HttpDate = "http.date", Str, "Date header";
    HttpFileData = "http.file_data", Str, "Message body (de-chunked; the first 1 MiB)";

    TlsRecordContentType = "tls.record.content_type", Dec, "Record type: 20 CCS, 21 Alert, 22 Handshake, 23 Application Data";
    TlsRecordOpaqueType = "tls.record.opaque_type", Dec, "Outer type of a TLS 1.3 encrypted record (always 23)";
    TlsRecordVersion = "tls.record.version", Hex(4), "Version in the record header";
    TlsRecordLength = "tls.record.length", Dec, "Record length";
    TlsHandshake = "tls.handshake", Flag, "Handshake Protocol: one per handshake message, encrypted ones included";
    TlsHandshakeType = "tls.handshake.type", Dec, "Handshake message type (1 Client Hello, 2 Server Hello, ...)";
    TlsHandshakeLength = "tls.handshake.length", Dec, "Handshake message length";
    TlsHandshakeVersion = "tls.handshake.version", Hex(4), "Version in a Client or Server Hello";
    TlsHandshakeCiphersuite = "tls.handshake.ciphersuite", Hex(4), "Cipher suite offered (Client Hello) or chosen (Server Hello)";
    TlsHandshakeExtensionsServerName = "tls.handshake.extensions_server_name", Str, "Server Name Indication";
    TlsHandshakeExtensionsSupportedVersion = "tls.handshake.extensions.supported_version", Hex(4), "supported_versions: offered, or chosen (0x0304 is TLS 1.3)";
    TlsHandshakeExtensionsAlpnStr = "tls.handshake.extensions_alpn_str", Str, "ALPN protocol";
    UrlencodedFormKey = "urlencoded-form.key", Str, "An HTML form field's name, in a form sent as application/x-www-form-urlencoded";
    UrlencodedFormValue = "urlencoded-form.value", Str, "An HTML form field's value (a password typed into a login form, too)";
    TlsHandshakeCertificatesLength = "tls.handshake.certificates_length", Dec, "Length of a Certificate message's list (in clear before TLS 1.3)";
    TlsHandshakeCertificates = "tls.handshake.certificates", Flag, "A Certificate message's list of certificates";
    TlsHandshakeCertificateLength = "tls.handshake.certificate_length", Dec, "Length of one certificate";
    TlsHandshakeCertificate = "tls.handshake.certificate", Bytes, "One certificate (DER), the server's first";
    X509afSignedCertificateElement = "x509af.signedCertificate_element", Flag, "The signed part of a certificate (X.509)";
    X509afVersion = "x509af.version", Dec, "Certificate version: 0 v1, 1 v2, 2 v3";
    X509afSerialNumber = "x509af.serialNumber", Bytes, "Certificate serial number, given by its issuer";
    X509afSignatureElement = "x509af.signature_element", Flag, "The signature algorithm, inside the signed part";
    X509afAlgorithmId = "x509af.algorithm.id", Oid, "An algorithm: of the signature (1.2.840.113549.1.1.11 sha256WithRSAEncryption) or of the public key (1.2.840.113549.1.1.1 rsaEncryption)";
    X509afIssuer = "x509af.issuer", Dec, "Who issued (signed) the certificate: 0 rdnSequence";
    X509ifRdnSequence = "x509if.rdnSequence", Dec, "Parts of the issuer's name";
    X509afRdnSequence = "x509af.rdnSequence", Dec, "Parts of the subject's name";
    X509ifRdnSequenceItem = "x509if.RDNSequence_item", Dec, "Attributes in one part of a name";
    X509ifRelativeDistinguishedNameItemElement = "x509if.RelativeDistinguishedName_item_element", Flag, "One attribute of a name";
    X509ifOid = "x509if.oid", Oid, "An attribute's type: 2.5.4.3 commonName, 2.5.4.10 organizationName, 2.5.4.6 countryName...";
    X509satDirectoryString = "x509sat.DirectoryString", Dec, "How an attribute's text is encoded: 0 teletexString, 1 printableString, 2 universalString, 3 bmpString, 4 uTF8String";
    X509satUtf8String = "x509sat.uTF8String", Str, "An attribute's text in UTF-8 (a common name, an organization)";
    X509satPrintableString = "x509sat.printableString", Str, "An attribute's text in PrintableString";
    X509satTeletexString = "x509sat.teletexString", Str, "An attribute's text in TeletexString";
    X509satUniversalString = "x509sat.universalString", Str, "An attribute's text in UniversalString";
    X509satBmpString = "x509sat.bmpString", Str, "An attribute's text in BMPString";
    X509satCountryName = "x509sat.CountryName", Str, "Country code of a name (2.5.4.6)";
    X509satIa5String = "x509sat.IA5String", Str, "An e-mail address or domain component of a name";
    X509afValidityElement = "x509af.validity_element", Flag, "When the certificate is valid";
    X509afNotBefore = "x509af.notBefore", Dec, "Start of validity: 0 utcTime, 1 generalizedTime";
    X509afNotAfter = "x509af.notAfter", Dec, "End of validity: 0 utcTime, 1 generalizedTime";
    X509afUtcTime = "x509af.utcTime", Str, "A validity time (UTCTime, years 1950-2049)";
    X509afGeneralizedTime = "x509af.generalizedTime", UtcDate, "A validity time (GeneralizedTime)";
    X509afSubject = "x509af.subject", Dec, "Whom the certificate names: 0 rdnSequence";
    X509afSubjectPublicKeyInfoElement = "x509af.subjectPublicKeyInfo_element", Flag, "The subject's public key and its algorithm";
    X509afAlgorithmElement = "x509af.algorithm_element", Flag, "The public key's algorithm";
    X509afSubjectPublicKey = "x509af.subjectPublicKey", Bytes, "The subject's public key";
    Pkcs1EcParameters = "pkcs1.ECParameters", Dec, "Elliptic-curve key parameters: 0 namedCurve";
    Pkcs1NamedCurve = "pkcs1.namedCurve", Oid, "The curve of an elliptic-curve key (1.2.840.10045.3.1.7 prime256v1)";
    Pkcs1Modulus = "pkcs1.modulus", Bytes, "An RSA public key's modulus";
    Pkcs1PublicExponent = "pkcs1.publicExponent", Dec, "An RSA public key's exponent (usually 65537)";
    X509afExtensions = "x509af.extensions", Dec, "Extensions in the certificate (X.509 v3)";
    X509afExtensionElement = "x509af.Extension_element", Flag, "One extension";
    X509afExtensionId = "x509af.extension.id", Oid, "An extension's type: 2.5.29.17 subjectAltName, 2.5.29.19 basicConstraints...";
    X509afCritical = "x509af.critical", Bool, "The extension must be understood to use the certificate";
    X509ceGeneralNames = "x509ce.GeneralNames", Dec, "Names in a subjectAltName extension";
    X509ceGeneralName = "x509ce.GeneralName", Dec, "Kind of one name: 1 rfc822Name, 2 dNSName, 4 directoryName, 6 URI, 7 iPAddress";
    X509ceDnsName = "x509ce.dNSName", Str, "A host name the certificate is valid for";
    X509ceDirectoryName = "x509ce.directoryName", Dec, "A name in a subjectAltName given as a distinguished name: 0 rdnSequence";
    X509ceRfc822Name = "x509ce.rfc822Name", Str, "An e-mail address the certificate is valid for";
    X509ceUniformResourceIdentifier = "x509ce.uniformResourceIdentifier", Str, "A URI the certificate is valid for";
    X509ceIpAddressIpv4 = "x509ce.IPAddress.ipv4", Ipv4, "An IPv4 address the certificate is valid for";
    X509ceIpAddressIpv6 = "x509ce.IPAddress.ipv6", Ipv6, "An IPv6 address the certificate is valid for";
    X509ceSubjectKeyIdentifier = "x509ce.SubjectKeyIdentifier", Bytes, "Identifies the subject's public key";
    X509ceAuthorityKeyIdentifierElement = "x509ce.AuthorityKeyIdentifier_element", Flag, "Identifies the issuer's key";
    X509ceKeyIdentifier = "x509ce.keyIdentifier", Bytes, "The issuer's key identifier (its certificate's SubjectKeyIdentifier)";
    X509ceAuthorityCertIssuer = "x509ce.authorityCertIssuer", Dec, "Names of the issuer's issuer, in an authorityKeyIdentifier";
    X509ceAuthorityCertSerialNumber = "x509ce.authorityCertSerialNumber", Bytes, "Serial number of the issuer's certificate, in an authorityKeyIdentifier";
    X509ceBasicConstraintsSyntaxElement = "x509ce.BasicConstraintsSyntax_element", Flag, "Whether the subject is a certificate authority";
    X509ceCa = "x509ce.cA", Bool, "The subject is a certificate authority: it may sign certificates";
    X509cePathLenConstraint = "x509ce.pathLenConstraint", Dec, "How many authorities may follow below this one";
    X509ceKeyPurposeIds = "x509ce.KeyPurposeIDs", Dec, "Purposes in an extKeyUsage extension";
    X509ceKeyPurposeId = "x509ce.KeyPurposeId", Oid, "A purpose: 1.3.6.1.5.5.7.3.1 serverAuth, 1.3.6.1.5.5.7.3.2 clientAuth...";
    X509ceKeyUsage = "x509ce.KeyUsage", Bytes, "What the key may be used for, as bits";
    X509ceKeyUsageDigitalSignature = "x509ce.KeyUsage.digitalSignature", Bool, "The key may sign (a TLS handshake, for one)";
    X509ceKeyUsageContentCommitment = "x509ce.KeyUsage.contentCommitment", Bool, "The key may sign content (non-repudiation)";
    X509ceKeyUsageKeyEncipherment = "x509ce.KeyUsage.keyEncipherment", Bool, "The key may encrypt keys (RSA key exchange)";
    X509ceKeyUsageDataEncipherment = "x509ce.KeyUsage.dataEncipherment", Bool, "The key may encrypt data";
    X509ceKeyUsageKeyAgreement = "x509ce.KeyUsage.keyAgreement", Bool, "The key may agree keys (static Diffie-Hellman)";
    X509ceKeyUsageKeyCertSign = "x509ce.KeyUsage.keyCertSign", Bool, "The key may sign certificates (an authority's)";
    X509ceKeyUsageCrlSign = "x509ce.KeyUsage.cRLSign", Bool, "The key may sign revocation lists";
    X509ceKeyUsageEncipherOnly = "x509ce.KeyUsage.encipherOnly", Bool, "With keyAgreement: only to encrypt";
    X509ceKeyUsageDecipherOnly = "x509ce.KeyUsage.decipherOnly", Bool, "With keyAgreement: only to decrypt";
    Pkix1implicitAuthorityInfoAccessSyntax = "pkix1implicit.AuthorityInfoAccessSyntax", Dec, "Where to find the issuer's certificate and revocation status (OCSP)";
    Pkix1implicitAccessDescriptionElement = "pkix1implicit.AccessDescription_element", Flag, "One place to look";
    Pkix1implicitAccessMethod = "pkix1implicit.accessMethod", Oid, "What is there: 1.3.6.1.5.5.7.48.1 OCSP, 1.3.6.1.5.5.7.48.2 the issuer's certificate";
    Pkix1implicitAccessLocation = "pkix1implicit.accessLocation", Dec, "Kind of location (6: a URI)";
    X509afAlgorithmIdentifierElement = "x509af.algorithmIdentifier_element", Flag, "The issuer's signature algorithm, after the signed part";
    BerBitstringPadding = "ber.bitstring.padding", Dec, "Unused bits at the end of a BIT STRING";
    X509afEncrypted = "x509af.encrypted", Bytes, "The issuer's signature over the signed part";
    TlsAlertMessage = "tls.alert_message", Flag, "An Alert record (encrypted ones too, without level and description)";
    TlsAlertMessageLevel = "tls.alert_message.level", Dec, "Alert level: 1 warning, 2 fatal";
    TlsAlertMessageDesc = "tls.alert_message.desc", Dec, "Alert description code";
    WirelabTlsStep = "wirelab.tls.step", Str, "Handshake step of the message (wirelab's own field, not in Wireshark)";
    WirelabTlsCiphersuiteName = "wirelab.tls.ciphersuite_name", Str, "Cipher suite name (wirelab's own field, not in Wireshark)";

    FtpRequest = "ftp.request", Bool, "The segment is an FTP request";
    FtpResponse = "ftp.response", Bool, "The segment is an FTP response";
    FtpRequestCommand = "ftp.request.command", Str, "FTP command";
    FtpRequestArg = "ftp.request.arg", Str, "FTP command argument";
    FtpResponseCode = "ftp.response.code", Dec, "FTP reply code";
    FtpResponseArg = "ftp.response.arg", Str, "FTP reply text";
    FtpPassiveIp = "ftp.passive.ip", Ipv4, "Address in a 227 reply";
    FtpPassivePort = "ftp.passive.port", Dec, "Port in a 227 reply (p1*256+p2)";
    FtpPassiveNat = "ftp.passive.nat", Bool, "The 227 address is not the server's own (NAT)";
    FtpActiveCip = "ftp.active.cip", Ipv4, "Address in a PORT command";
    FtpActivePort = "ftp.active.port", Dec, "Port in a PORT command (p1*256+p2)";
    FtpActiveNat = "ftp.active.nat", Bool, "The PORT address is not the client's own (NAT)";
    FtpEprtIp = "ftp.eprt.ip", Ipv4, "IPv4 address in an EPRT command";
    FtpEprtIpv6 = "ftp.eprt.ipv6", Ipv6, "IPv6 address in an EPRT command";
    FtpEprtPort = "ftp.eprt.port", Dec, "Port in an EPRT command";
    FtpEpsvPort = "ftp.epsv.port", Dec, "Port in a 229 reply";
    FtpCurrentWorkingDirectory = "ftp.current-working-directory", Str, "Working directory, as PWD and CWD left it";
    FtpSetupFrame = "ftp.setup-frame", Dec, "Frame that announced the data channel this command uses";
    FtpDataSetupFrame = "ftp-data.setup-frame", Dec, "Frame that announced this data connection";
    FtpDataSetupMethod = "ftp-data.setup-method", Str, "How it was announced: PORT, PASV, EPASV";
    FtpDataCommand = "ftp-data.command", Str, "Command that used this data connection";
    FtpDataCommandFrame = "ftp-data.command-frame", Dec, "Frame of that command";
    FtpDataCurrentWorkingDirectory = "ftp-data.current-working-directory", Str, "Working directory when the command was sent";
    WirelabFtpDataTransfer = "wirelab.ftp-data.transfer", Str, "The transfer command that used this data connection, RETR/STOR/LIST... (wirelab's own field)";

    NbssType = "nbss.type", Hex(2), "NetBIOS session message type";
    NbssLength = "nbss.length", Dec, "NetBIOS session message length";
    SmbCmd = "smb.cmd", Hex(2), "SMB1 command";
    SmbNtStatus = "smb.nt_status", Hex(8), "SMB1 NT status";
    Smb2Cmd = "smb2.cmd", Dec, "SMB2 command (0 Negotiate, 1 Session Setup, 3 Tree Connect, 5 Create, 8 Read, ...)";
    Smb2NtStatus = "smb2.nt_status", Hex(8), "NT status (0xc000006d is STATUS_LOGON_FAILURE)";
    Smb2FlagsResponse = "smb2.flags.response", Bool, "The message is a response";
    Smb2MsgId = "smb2.msg_id", Dec, "Message id";
    Smb2Tid = "smb2.tid", Hex(8), "Tree id";
    Smb2Sesid = "smb2.sesid", Hex(16), "Session id";
    Smb2Dialect = "smb2.dialect", Hex(4), "Dialect offered or chosen (0x0311 is SMB 3.1.1)";
    Smb2Tree = "smb2.tree", Str, "Share path of a Tree Connect";
    Smb2Filename = "smb2.filename", Str, "File name of a Create; names in a directory listing";
    Smb2ReadLength = "smb2.read_length", Dec, "Bytes asked for by a Read";
    Smb2WriteLength = "smb2.write_length", Dec, "Bytes sent by a Write";
    Smb2FileOffset = "smb2.file_offset", Dec, "Offset of a Read or Write";
    Smb2FindPattern = "smb2.find.pattern", Str, "Pattern of a Find (directory listing)";
    Smb2Class = "smb2.class", Hex(2), "Information class of GetInfo/SetInfo (1 file, 2 file system, 3 security)";
    Smb2IoctlFunction = "smb2.ioctl.function", Hex(8), "Ioctl/FSCTL code";
    NtlmsspMessagetype = "ntlmssp.messagetype", Hex(8), "NTLMSSP message: 1 NEGOTIATE, 2 CHALLENGE, 3 AUTH";
    NtlmsspNegotiateflags = "ntlmssp.negotiateflags", Hex(8), "NTLMSSP negotiate flags";
    NtlmsspNtlmserverchallenge = "ntlmssp.ntlmserverchallenge", Bytes, "Server challenge";
    NtlmsspAuthUsername = "ntlmssp.auth.username", Str, "User name in NTLMSSP_AUTH";
    NtlmsspAuthDomain = "ntlmssp.auth.domain", Str, "Domain in NTLMSSP_AUTH";
    NtlmsspAuthHostname = "ntlmssp.auth.hostname", Str, "Client host name in NTLMSSP_AUTH";

    DnsId = "dns.id", Hex(4), "Transaction id";
    DnsFlags = "dns.flags", Hex(4), "Flags";
    DnsFlagsResponse = "dns.flags.response", Bool, "The message is a response";
    DnsFlagsOpcode = "dns.flags.opcode", Dec, "Operation code";
    DnsFlagsRcode = "dns.flags.rcode", Dec, "Reply code (3 is No such name)";
    DnsCountQueries = "dns.count.queries", Dec, "Questions";
    DnsCountAnswers = "dns.count.answers", Dec, "Answer records";
    DnsCountAuthRr = "dns.count.auth_rr", Dec, "Authority records";
    DnsCountAddRr = "dns.count.add_rr", Dec, "Additional records";
    DnsQryName = "dns.qry.name", Str, "Name asked for";
    DnsQryType = "dns.qry.type", Dec, "Type asked for (1 A, 28 AAAA, 12 PTR, ...)";
    DnsQryClass = "dns.qry.class", Hex(4), "Class asked for";
    DnsRespName = "dns.resp.name", Str, "Record owner name";
    DnsRespType = "dns.resp.type", Dec, "Record type";
    DnsRespClass = "dns.resp.class", Hex(4), "Record class";
    DnsRespTtl = "dns.resp.ttl", Dec, "Record time to live";
    DnsRespLen = "dns.resp.len", Dec, "Record data length";
    DnsRrUdpPayloadSize = "dns.rr.udp_payload_size", Dec, "EDNS UDP payload size (OPT record)";
    DnsA = "dns.a", Ipv4, "IPv4 address answer";
    DnsAaaa = "dns.aaaa", Ipv6, "IPv6 address answer";
    DnsCname = "dns.cname", Str, "Canonical name answer";
    DnsPtrDomainName = "dns.ptr.domain_name", Str, "PTR answer";
    DnsNs = "dns.ns", Str, "Name server answer";
    DnsSoaMname = "dns.soa.mname", Str, "SOA primary name server";
    DnsMxPreference = "dns.mx.preference", Dec, "MX preference";
    DnsMxMailExchange = "dns.mx.mail_exchange", Str, "MX mail exchange";
    DnsSrvService = "dns.srv.service", Str, "SRV owner: the service (_http), shown in place of dns.resp.name";
    DnsSrvProto = "dns.srv.proto", Str, "SRV owner: the transport (_tcp)";
    DnsSrvName = "dns.srv.name", Str, "SRV owner: the domain after service and transport";
    DnsSrvPriority = "dns.srv.priority", Dec, "SRV priority";
    DnsSrvWeight = "dns.srv.weight", Dec, "SRV weight";
    DnsSrvPort = "dns.srv.port", Dec, "SRV port: where the service listens";
    DnsSrvTarget = "dns.srv.target", Str, "SRV target: the host that offers the service";
    DnsTxt = "dns.txt", Str, "One string of a TXT record";
    DnsResponseTo = "dns.response_to", Dec, "Frame of the query this response answers";
    DnsRetransmission = "dns.retransmission", Bool, "mDNS/LLMNR: the message repeats one sent before in its conversation";
    DnsRetransmitRequestIn = "dns.retransmit_request_in", Dec, "mDNS/LLMNR: frame of the query this one repeats";
    DnsRetransmitResponseIn = "dns.retransmit_response_in", Dec, "mDNS/LLMNR: frame of the response this one repeats";
    DnsQryQu = "dns.qry.qu", Bool, "mDNS: the question asks for a unicast response (QU)";
    DnsRespCacheFlush = "dns.resp.cache_flush", Bool, "mDNS: the record replaces those cached for its name";
    DhcpType = "dhcp.type", Dec, "BOOTP message type: 1 Boot Request, 2 Boot Reply";
    DhcpHwType = "dhcp.hw.type", Hex(2), "Hardware type (0x01 Ethernet)";
    DhcpHwLen = "dhcp.hw.len", Dec, "Hardware address length";
    DhcpHops = "dhcp.hops", Dec, "Relay agents passed";
    DhcpId = "dhcp.id", Hex(8), "Transaction ID, the same in a client's request and the server's reply";
    DhcpSecs = "dhcp.secs", Dec, "Seconds since the client began";
    DhcpFlags = "dhcp.flags", Hex(4), "BOOTP flags";
    DhcpFlagsBc = "dhcp.flags.bc", Bool, "The client asks for broadcast replies";
    DhcpIpClient = "dhcp.ip.client", Ipv4, "Client IP address (ciaddr: the address the client already has)";
    DhcpIpYour = "dhcp.ip.your", Ipv4, "Your (client) IP address (yiaddr: the address offered or assigned)";
    DhcpIpServer = "dhcp.ip.server", Ipv4, "Next server IP address (siaddr)";
    DhcpIpRelay = "dhcp.ip.relay", Ipv4, "Relay agent IP address (giaddr)";
    DhcpHwMacAddr = "dhcp.hw.mac_addr", Ether, "Client MAC address";
    DhcpHwAddr = "dhcp.hw.addr", Bytes, "Client hardware address, when not an Ethernet one";
    DhcpHwAddrPadding = "dhcp.hw.addr_padding", Bytes, "Unused bytes of the client hardware address";
    DhcpServer = "dhcp.server", Str, "Server host name (empty when not given)";
    DhcpFile = "dhcp.file", Str, "Boot file name (empty when not given)";
    DhcpCookie = "dhcp.cookie", Ipv4, "Magic cookie (99.130.83.99 for DHCP)";
    DhcpOptionType = "dhcp.option.type", Dec, "Option code (the end option shows 0, as in tshark)";
    DhcpOptionLength = "dhcp.option.length", Dec, "Option length";
    DhcpOptionValue = "dhcp.option.value", Bytes, "Option value";
    DhcpOptionDhcp = "dhcp.option.dhcp", Dec, "DHCP message type: 1 Discover, 2 Offer, 3 Request, 4 Decline, 5 ACK, 6 NAK, 7 Release, 8 Inform";
    DhcpOptionHostname = "dhcp.option.hostname", Str, "Host name (option 12)";
    DhcpOptionDomainName = "dhcp.option.domain_name", Str, "Domain name (option 15)";
    DhcpOptionSubnetMask = "dhcp.option.subnet_mask", Ipv4, "Subnet mask (option 1)";
    DhcpOptionRouter = "dhcp.option.router", Ipv4, "Router (option 3)";
    DhcpOptionDomainNameServer = "dhcp.option.domain_name_server", Ipv4, "DNS server (option 6)";
    DhcpOptionBroadcastAddress = "dhcp.option.broadcast_address", Ipv4, "Broadcast address (option 28)";
    DhcpOptionRequestedIpAddress = "dhcp.option.requested_ip_address", Ipv4, "Address the client asks for (option 50)";
    DhcpOptionIpAddressLeaseTime = "dhcp.option.ip_address_lease_time", Dec, "Lease time in seconds (option 51)";
    DhcpOptionDhcpServerId = "dhcp.option.dhcp_server_id", Ipv4, "DHCP server identifier (option 54)";
    DhcpOptionRequestListItem = "dhcp.option.request_list_item", Dec, "An option the client asks for (option 55)";
    DhcpOptionDhcpMaxMessageSize = "dhcp.option.dhcp_max_message_size", Dec, "Largest message the client takes (option 57)";
    DhcpOptionRenewalTimeValue = "dhcp.option.renewal_time_value", Dec, "Seconds until the client renews (T1, option 58)";
    DhcpOptionRebindingTimeValue = "dhcp.option.rebinding_time_value", Dec, "Seconds until the client rebinds (T2, option 59)";
    DhcpOptionVendorClassId = "dhcp.option.vendor_class_id", Str, "Vendor class identifier (option 60)";
    DhcpOptionEnd = "dhcp.option.end", Dec, "End option (255)";
    DhcpOptionPadding = "dhcp.option.padding", Bytes, "Padding";
    Dhcpv6Msgtype = "dhcpv6.msgtype", Dec, "DHCPv6 message type: 1 Solicit, 2 Advertise, 3 Request, 7 Reply, 11 Information-request, ...";
    Dhcpv6Xid = "dhcpv6.xid", Hex(6), "DHCPv6 transaction ID";
    Dhcpv6OptionType = "dhcpv6.option.type", Dec, "DHCPv6 option code";
    Dhcpv6OptionLength = "dhcpv6.option.length", Dec, "DHCPv6 option length";
    Dhcpv6DuidBytes = "dhcpv6.duid.bytes", Bytes, "A client's or server's DUID (options 1 and 2)";
    Dhcpv6IaaddrIp = "dhcpv6.iaaddr.ip", Ipv6, "An address of an identity association (option 5)";
    Dhcpv6RequestedOptionCode = "dhcpv6.requested_option_code", Dec, "An option the client asks for (option 6)";
    Dhcpv6ElapsedTime = "dhcpv6.elapsed_time", Dec, "Time since the client began, in milliseconds (option 8)";
    NtpFlags = "ntp.flags", Hex(2), "NTP flags: leap indicator, version, mode";
    NtpFlagsLi = "ntp.flags.li", Dec, "NTP leap indicator (3: clock not synchronised)";
    NtpFlagsVn = "ntp.flags.vn", Dec, "NTP version";
    NtpFlagsMode = "ntp.flags.mode", Dec, "NTP mode: 1 symmetric active, 2 symmetric passive, 3 client, 4 server, 5 broadcast";
    NtpStratum = "ntp.stratum", Dec, "Stratum of the sender's clock (1: a reference clock)";
    NtpPpoll = "ntp.ppoll", Dec, "Polling interval, log2 seconds";
    NtpPrecision = "ntp.precision", Dec, "Clock precision (a signed log2 of seconds, shown as its byte)";
    NtpRootdelay = "ntp.rootdelay", Dec, "Root delay, in 1/65536 seconds";
    NtpRootdispersion = "ntp.rootdispersion", Dec, "Root dispersion, in 1/65536 seconds";
    NtpRefid = "ntp.refid", Bytes, "Reference ID";
    NbnsId = "nbns.id", Hex(4), "NBNS transaction id";
    NbnsFlags = "nbns.flags", Hex(4), "NBNS flags";
    NbnsFlagsResponse = "nbns.flags.response", Bool, "The message is a response";
    NbnsFlagsOpcode = "nbns.flags.opcode", Dec, "NBNS operation (0 query, 5 registration, ...)";
    NbnsFlagsRcode = "nbns.flags.rcode", Dec, "NBNS reply code";
    NbnsCountQueries = "nbns.count.queries", Dec, "Questions";
    NbnsCountAnswers = "nbns.count.answers", Dec, "Answer records";
    NbnsCountAuthRr = "nbns.count.auth_rr", Dec, "Authority records";
    NbnsCountAddRr = "nbns.count.add_rr", Dec, "Additional records";
    NbnsName = "nbns.name", Str, "NetBIOS name with its suffix, e.g. WPAD<00>";
    NbnsType = "nbns.type", Dec, "Record type (32 NB, 33 NBSTAT)";
    NbnsClass = "nbns.class", Dec, "Record class";
    NbnsTtl = "nbns.ttl", Dec, "Record time to live";
    NbnsNbFlags = "nbns.nb_flags", Hex(4), "NB entry flags";
    NbnsAddr = "nbns.addr", Ipv4, "Address of an NB entry";
    NbdgmType = "nbdgm.type", Dec, "NetBIOS datagram type (17 direct group, 18 broadcast, ...)";
    NbdgmDgramId = "nbdgm.dgram_id", Hex(4), "NetBIOS datagram id";
    NbdgmSrcIp = "nbdgm.src.ip", Ipv4, "The sender's address, as the datagram states it";
    NbdgmSrcPort = "nbdgm.src.port", Dec, "The sender's port, as the datagram states it";
    NbdgmSourceName = "nbdgm.source_name", Str, "Sending NetBIOS name, e.g. FILESRV<00>";
    NbdgmDestinationName = "nbdgm.destination_name", Str, "Receiving NetBIOS name, e.g. LAB<1e>";
    MailslotOpcode = "mailslot.opcode", Dec, "Mailslot operation (1 write)";
    MailslotName = "mailslot.name", Str, "Mailslot name, e.g. \\MAILSLOT\\BROWSE";
    BrowserCommand = "browser.command", Hex(2), "Browser command (0x01 host announcement, 0x08 election, ...)";
    BrowserServer = "browser.server", Str, "Server (or workgroup) name a browser message is about";
    BrowserResponseComputerName = "browser.response_computer_name", Str, "Who asked for announcements";
    BrowserServerType = "browser.server_type", Hex(8), "Server type flags (workstation, server, master browser, ...)";
}

impl Field {
    /// Looks a field up by its display-filter name.
    /// A field by name; an unknown name is an error that suggests the nearest one.
    pub fn lookup(name: &str) -> Result<Field, String> {
        Field::from_name(name).ok_or_else(|| match nearest(name, Field::ALL.iter().map(|f| f.name())) {
            Some(near) => format!("unknown field '{name}' (did you mean {near}?)"),
            None => format!("unknown field '{name}'"),
        })
    }

    pub fn from_name(name: &str) -> Option<Field> {
        static INDEX: OnceLock<std::collections::HashMap<&'static str, Field>> = OnceLock::new();
        INDEX
            .get_or_init(|| Field::ALL.iter().map(|f| (f.name(), *f)).collect())
            .get(name)
            .copied()
    }
}

/// The candidate closest to `name` by edit distance, if any is close enough to be a
/// likely typo.
pub fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= 3.max(name.len() / 4))
        .min()
        .map(|(_, c)| c)
}

/// Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`: the
/// optimal-string-alignment distance, so a swapped pair of letters is one typo.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: two back (for swaps), one back, and the one being filled.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j - 1] + cost).min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// A decoded value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    U(u64),
    Bool(bool),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    Ether([u8; 6]),
    Str(String),
    Bytes(Vec<u8>),
    /// Nanoseconds (relative or since the epoch, by the field's kind).
    Time(i64),
    /// Presence only.
    Flag,
}

impl Value {
    /// Appends the value as `tshark -T fields` prints it (control bytes escaped).
    pub fn write_field(&self, kind: Kind, out: &mut String) {
        match (self, kind) {
            (Value::U(v), Kind::Hex(digits)) => {
                let _ = write!(out, "0x{:0width$x}", v, width = digits as usize);
            }
            (Value::U(v), _) => {
                let _ = write!(out, "{v}");
            }
            (Value::Bool(b), _) => out.push(if *b { '1' } else { '0' }),
            (Value::Ipv4(a), _) => {
                let _ = write!(out, "{a}");
            }
            (Value::Ipv6(a), _) => {
                let _ = write!(out, "{a}");
            }
            (Value::Ether(m), _) => push_mac(out, m),
            (Value::Str(s), _) => escape_bytes(s.as_bytes(), out),
            (Value::Bytes(b), Kind::Str) => escape_bytes(b, out),
            (Value::Bytes(b), Kind::Oid) => match super::der::oid_text(b) {
                Some(text) => out.push_str(&text),
                None => escape_bytes(b, out),
            },
            (Value::Bytes(b), _) => {
                // tshark 4.0 prints byte fields as plain hex, no separators.
                for byte in b {
                    let _ = write!(out, "{byte:02x}");
                }
            }
            (Value::Time(ns), Kind::UtcDate) => write_utc_date(*ns, out),
            (Value::Time(ns), _) => write_seconds(*ns, out),
            (Value::Flag, _) => out.push('1'),
        }
    }

    pub fn to_field_string(&self, kind: Kind) -> String {
        let mut s = String::new();
        self.write_field(kind, &mut s);
        s
    }
}

/// `aa:bb:cc:dd:ee:ff`
pub fn format_mac(m: &[u8; 6]) -> String {
    let mut text = String::with_capacity(17);
    push_mac(&mut text, m);
    text
}

/// Appends [`format_mac`]'s text.
pub fn push_mac(out: &mut String, m: &[u8; 6]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b':'; 17];
    for (i, byte) in m.iter().enumerate() {
        text[3 * i] = HEX[usize::from(byte >> 4)];
        text[3 * i + 1] = HEX[usize::from(byte & 0xf)];
    }
    out.push_str(std::str::from_utf8(&text).expect("hex digits and colons"));
}

/// A moment as tshark prints a UTC time field: `Apr 15, 2024 23:59:59.000000000 UTC`.
pub fn write_utc_date(ns: i64, out: &mut String) {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let seconds = ns.div_euclid(1_000_000_000);
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // H. Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let _ = write!(
        out,
        "{} {day:>2}, {year} {:02}:{:02}:{:02}.{:09} UTC",
        MONTHS[(month - 1) as usize],
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        ns.rem_euclid(1_000_000_000)
    );
}

/// Seconds with nine decimals, as tshark prints time fields.
pub fn write_seconds(ns: i64, out: &mut String) {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:09}", abs / 1_000_000_000, abs % 1_000_000_000);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_a_swap_as_one_typo() {
        assert_eq!(edit_distance("opne", "open"), 1);
        assert_eq!(edit_distance("qestions", "questions"), 1);
        assert_eq!(edit_distance("head", "help"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("tcp.prot", "tcp.port"), 1);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn names_are_unique_and_found() {
        let mut names: Vec<_> = Field::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate field names");
        assert_eq!(Field::from_name("tcp.stream"), Some(Field::TcpStream));
        assert_eq!(Field::from_name("tcp.strem"), None);
    }

    #[test]
    fn values_print_like_tshark_fields() {
        assert_eq!(Value::U(0x1f7a).to_field_string(Kind::Hex(4)), "0x1f7a");
        assert_eq!(Value::U(2).to_field_string(Kind::Hex(2)), "0x02");
        assert_eq!(Value::Bool(true).to_field_string(Kind::Bool), "1");
        assert_eq!(Value::Time(627_984_000).to_field_string(Kind::RelTime), "0.627984000");
        assert_eq!(
            Value::Ether([0xff; 6]).to_field_string(Kind::Ether),
            "ff:ff:ff:ff:ff:ff"
        );
        assert_eq!(Value::Str("a\u{1b}[2J".into()).to_field_string(Kind::Str), "a\\033[2J");
        assert_eq!(Value::Flag.to_field_string(Kind::Flag), "1");
    }
}
