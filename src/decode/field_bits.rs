//! The width of each integer field, as Wireshark types it (FT_UINT8 to FT_UINT64; frame
//! numbers and `data.len` are 32 bits): the largest value a filter may compare with,
//! and what `len()` gives. Taken from `tshark -G fields` (Wireshark 4.0), which
//! `tests/integration/fields.rs` compares it with.

use super::Field;

impl Field {
    /// Bits of an integer field's value; `None` for fields that are not integers.
    pub fn integer_bits(self) -> Option<u32> {
        use Field::*;
        match self {
            IpVersion
            | IpHdrLen
            | IpDsfield
            | IpFlags
            | IpTtl
            | IpProto
            | Ipv6Nxt
            | Ipv6Hlim
            | TcpHdrLen
            | TcpOptionsWscaleShift
            | IcmpType
            | IcmpCode
            | Icmpv6Type
            | Icmpv6Code
            | TlsRecordContentType
            | TlsRecordOpaqueType
            | TlsHandshakeType
            | TlsAlertMessageLevel
            | TlsAlertMessageDesc
            | NbssType
            | SmbCmd
            | Smb2Class
            | DhcpType
            | DhcpHwType
            | DhcpHwLen
            | DhcpHops
            | DhcpOptionType
            | DhcpOptionLength
            | DhcpOptionDhcp
            | DhcpOptionRequestListItem
            | DhcpOptionEnd
            | Dhcpv6Msgtype
            | NtpFlags
            | NtpFlagsLi
            | NtpFlagsVn
            | NtpFlagsMode
            | NtpStratum
            | NtpPpoll
            | NtpPrecision
            | NbdgmType
            | BrowserCommand
            | BerBitstringPadding => Some(8),
            EthType
            | VlanId
            | VlanPriority
            | VlanEtype
            | Ieee8021adId
            | SllPkttype
            | SllEtype
            | IpLen
            | IpId
            | IpFragOffset
            | IpChecksum
            | Ipv6Plen
            | TcpSrcport
            | TcpDstport
            | TcpPort
            | TcpFlags
            | TcpWindowSizeValue
            | TcpChecksum
            | TcpUrgentPointer
            | TcpOptionsMss
            | TcpOptionsWscaleMultiplier
            | UdpSrcport
            | UdpDstport
            | UdpPort
            | UdpLength
            | UdpChecksum
            | IcmpChecksum
            | IcmpIdent
            | IcmpSeq
            | IcmpSeqLe
            | Icmpv6EchoIdentifier
            | Icmpv6EchoSequenceNumber
            | ArpHwType
            | ArpProtoType
            | ArpOpcode
            | HttpResponseCode
            | TlsRecordVersion
            | TlsRecordLength
            | TlsHandshakeVersion
            | TlsHandshakeCiphersuite
            | TlsHandshakeExtensionsSupportedVersion
            | FtpPassivePort
            | FtpActivePort
            | FtpEprtPort
            | FtpEpsvPort
            | Smb2Cmd
            | Smb2Dialect
            | DnsId
            | DnsFlags
            | DnsFlagsOpcode
            | DnsFlagsRcode
            | DnsCountQueries
            | DnsCountAnswers
            | DnsCountAuthRr
            | DnsCountAddRr
            | DnsQryType
            | DnsQryClass
            | DnsRespType
            | DnsRespClass
            | DnsRespLen
            | DnsRrUdpPayloadSize
            | DnsMxPreference
            | DnsSrvPriority
            | DnsSrvWeight
            | DnsSrvPort
            | DhcpSecs
            | DhcpFlags
            | DhcpOptionDhcpMaxMessageSize
            | Dhcpv6OptionType
            | Dhcpv6OptionLength
            | Dhcpv6RequestedOptionCode
            | Dhcpv6ElapsedTime
            | NbnsId
            | NbnsFlags
            | NbnsFlagsOpcode
            | NbnsFlagsRcode
            | NbnsCountQueries
            | NbnsCountAnswers
            | NbnsCountAuthRr
            | NbnsCountAddRr
            | NbnsType
            | NbnsClass
            | NbnsNbFlags
            | NbdgmDgramId
            | NbdgmSrcPort
            | MailslotOpcode => Some(16),
            TlsHandshakeLength
            | TlsHandshakeCertificatesLength
            | TlsHandshakeCertificateLength
            | NbssLength
            | Dhcpv6Xid => Some(24),
            FrameNumber
            | FrameLen
            | FrameCapLen
            | FrameInterfaceId
            | SllIfindex
            | NullFamily
            | TcpStream
            | TcpLen
            | TcpSeq
            | TcpSeqRaw
            | TcpNxtseq
            | TcpAck
            | TcpAckRaw
            | TcpWindowSize
            | TcpOptionsSackLe
            | TcpOptionsSackRe
            | TcpOptionsTsval
            | TcpOptionsTsecr
            | TcpAnalysisDuplicateAckNum
            | TcpAnalysisDuplicateAckFrame
            | UdpStream
            | IcmpRespTo
            | IcmpRespIn
            | Icmpv6RespIn
            | DataLen
            | HttpRequestIn
            | FtpResponseCode
            | FtpSetupFrame
            | FtpDataSetupFrame
            | FtpDataCommandFrame
            | SmbNtStatus
            | Smb2NtStatus
            | Smb2Tid
            | Smb2ReadLength
            | Smb2WriteLength
            | Smb2IoctlFunction
            | NtlmsspMessagetype
            | NtlmsspNegotiateflags
            | DnsRespTtl
            | DnsResponseTo
            | DnsRetransmitRequestIn
            | DnsRetransmitResponseIn
            | DhcpId
            | DhcpOptionIpAddressLeaseTime
            | DhcpOptionRenewalTimeValue
            | DhcpOptionRebindingTimeValue
            | NtpRootdelay
            | NtpRootdispersion
            | NbnsTtl
            | BrowserServerType
            | X509afVersion
            | X509afIssuer
            | X509ifRdnSequence
            | X509afRdnSequence
            | X509ifRdnSequenceItem
            | X509satDirectoryString
            | X509afNotBefore
            | X509afNotAfter
            | X509afSubject
            | Pkcs1EcParameters
            | Pkcs1PublicExponent
            | X509afExtensions
            | X509ceGeneralNames
            | X509ceGeneralName
            | X509ceDirectoryName
            | X509ceAuthorityCertIssuer
            | X509ceKeyPurposeIds
            | Pkix1implicitAuthorityInfoAccessSyntax
            | Pkix1implicitAccessLocation => Some(32),
            X509cePathLenConstraint | HttpContentLength | Smb2MsgId | Smb2Sesid | Smb2FileOffset => Some(64),
            _ => None,
        }
    }

    /// The largest value of an integer field.
    pub fn integer_max(self) -> Option<u64> {
        self.integer_bits().map(|bits| u64::MAX >> (64 - bits))
    }
}
