//! DER (the ASN.1 encoding certificates use): a length-checked reader of
//! tag-length-value elements, and object identifiers between their encoding and their
//! dotted text. Only what X.509 needs: one-byte tags and definite lengths.

/// One element: its tag byte and the bytes of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
}

pub const BOOLEAN: u8 = 0x01;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const OID: u8 = 0x06;
pub const UTF8_STRING: u8 = 0x0c;
pub const PRINTABLE_STRING: u8 = 0x13;
pub const TELETEX_STRING: u8 = 0x14;
pub const IA5_STRING: u8 = 0x16;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;
pub const UNIVERSAL_STRING: u8 = 0x1c;
pub const BMP_STRING: u8 = 0x1e;
pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;

/// Reads the elements of a value one after the other. A truncated element, a length in
/// more than four bytes or a multi-byte tag ends the reading (`next` gives `None`, and
/// `broken` says so).
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    rest: &'a [u8],
    broken: bool,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader {
            rest: bytes,
            broken: false,
        }
    }

    /// The next element, whatever its tag.
    pub fn next_any(&mut self) -> Option<Tlv<'a>> {
        match split(self.rest) {
            Some((tlv, rest)) => {
                self.rest = rest;
                Some(tlv)
            }
            None => {
                self.broken |= !self.rest.is_empty();
                self.rest = &[];
                None
            }
        }
    }

    /// The next element if it has tag `tag` (an optional element that is absent leaves
    /// the reader where it was).
    pub fn next_if(&mut self, tag: u8) -> Option<Tlv<'a>> {
        match split(self.rest) {
            Some((tlv, rest)) if tlv.tag == tag => {
                self.rest = rest;
                Some(tlv)
            }
            Some(_) => None,
            // Cut short or unreadable: the end, unless it is another (optional) element.
            None if self.rest.first().is_some_and(|&t| t != tag) => None,
            None => self.next_any(),
        }
    }

    /// The next element if it has tag `tag`, even when the bytes end inside it: then its
    /// value is what there is, and `broken` says so. For the containers of a structure
    /// cut short, whose complete elements can still be read.
    pub fn next_cut_if(&mut self, tag: u8) -> Option<Tlv<'a>> {
        if let Some((tlv, rest)) = split(self.rest) {
            if tlv.tag != tag {
                return None;
            }
            self.rest = rest;
            return Some(tlv);
        }
        let (&first, rest) = self.rest.split_first()?;
        let (&len_byte, rest) = rest.split_first()?;
        let header = if len_byte < 0x80 {
            0
        } else {
            usize::from(len_byte & 0x7f)
        };
        if first != tag || header > 4 || rest.len() < header {
            self.broken = true;
            return None;
        }
        self.rest = &[];
        self.broken = true;
        Some(Tlv {
            tag,
            value: &rest[header..],
        })
    }

    /// The tag of the next element, without reading it.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// How many whole elements are left (a SEQUENCE OF's item count).
    pub fn count(&self) -> usize {
        let mut copy = self.clone();
        std::iter::from_fn(|| copy.next_any()).count()
    }

    /// Did the bytes end inside an element, or hold one this reader cannot read?
    pub fn broken(&self) -> bool {
        self.broken
    }
}

/// The first element of `bytes` and what follows it.
fn split(bytes: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    if tag & 0x1f == 0x1f {
        return None; // a tag number in several bytes: not in a certificate
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None; // indefinite (BER only) or absurd lengths
        }
        let len = rest[..n].iter().fold(0usize, |acc, &b| acc << 8 | usize::from(b));
        (len, &rest[n..])
    };
    let value = rest.get(..len)?;
    Some((Tlv { tag, value }, &rest[len..]))
}

/// An INTEGER's value, when it fits in 64 bits and is not negative.
pub fn uint(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value[0] & 0x80 != 0 {
        return None;
    }
    let digits = if value[0] == 0 { &value[1..] } else { value };
    (digits.len() <= 8).then(|| digits.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
}

/// An encoded object identifier as dotted text (`2a 86 48` gives `1.2.840`); `None` when
/// an arc is cut short or too large.
pub fn oid_text(encoded: &[u8]) -> Option<String> {
    let mut arcs = Vec::new();
    let mut arc: u64 = 0;
    for (i, &byte) in encoded.iter().enumerate() {
        if arc > u64::MAX >> 7 {
            return None;
        }
        arc = arc << 7 | u64::from(byte & 0x7f);
        if byte & 0x80 != 0 {
            if i + 1 == encoded.len() {
                return None;
            }
            continue;
        }
        if arcs.is_empty() {
            let first = (arc / 40).min(2);
            arcs.push(first);
            arcs.push(arc - 40 * first);
        } else {
            arcs.push(arc);
        }
        arc = 0;
    }
    if arcs.is_empty() {
        return None;
    }
    let text: Vec<String> = arcs.iter().map(u64::to_string).collect();
    Some(text.join("."))
}

/// Dotted text as an encoded object identifier (what a display filter compares with);
/// `None` unless it is at least two arcs, the first 0, 1 or 2.
pub fn oid_from_text(text: &str) -> Option<Vec<u8>> {
    let arcs: Vec<u64> = text.split('.').map(|a| a.parse().ok()).collect::<Option<_>>()?;
    let (&first, rest) = arcs.split_first()?;
    let (&second, rest) = rest.split_first()?;
    if first > 2 || (first < 2 && second >= 40) {
        return None;
    }
    let mut encoded = Vec::new();
    for arc in std::iter::once(first.checked_mul(40)?.checked_add(second)?).chain(rest.iter().copied()) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut high = arc >> 7;
        while high > 0 {
            groups.push((high & 0x7f) as u8 | 0x80);
            high >>= 7;
        }
        encoded.extend(groups.iter().rev());
    }
    Some(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_read_with_their_lengths_checked() {
        // SEQUENCE { INTEGER 5, OCTET STRING (130 bytes, long form) } then a cut element.
        let mut bytes = vec![0x30, 0x03, 0x02, 0x01, 0x05, 0x04, 0x81, 130];
        bytes.extend([0xaa; 130]);
        bytes.extend([0x02, 0x05, 0x01]);
        let mut r = Reader::new(&bytes);
        let seq = r.next_if(SEQUENCE).unwrap();
        assert_eq!(Reader::new(seq.value).next_if(INTEGER).unwrap().value, [5]);
        assert!(r.next_if(INTEGER).is_none(), "the next is an OCTET STRING");
        assert_eq!(r.count(), 1, "one whole element, then a cut one");
        assert_eq!(r.next_any().unwrap().value.len(), 130);
        assert!(!r.broken());
        assert!(r.next_any().is_none());
        assert!(r.broken(), "the last element is cut short");
        // Lengths in five bytes, indefinite lengths and multi-byte tags are refused.
        for odd in [
            &[0x04, 0x85, 0, 0, 0, 0, 1][..],
            &[0x30, 0x80, 0, 0],
            &[0x1f, 0x01, 0x00],
        ] {
            assert!(Reader::new(odd).next_any().is_none(), "{odd:02x?}");
        }
    }

    #[test]
    fn a_cut_container_gives_what_there_is() {
        // SEQUENCE of 10 bytes, of which 5 are there: INTEGER 5, then a cut INTEGER.
        let bytes = [0x30, 0x0a, 0x02, 0x01, 0x05, 0x02, 0x05];
        let mut r = Reader::new(&bytes);
        assert!(r.clone().next_cut_if(INTEGER).is_none(), "another tag");
        let seq = r.next_cut_if(SEQUENCE).unwrap();
        assert!(r.broken());
        let mut inner = Reader::new(seq.value);
        assert_eq!(inner.next_if(INTEGER).unwrap().value, [5]);
        assert!(inner.next_if(INTEGER).is_none() && inner.broken());
        // A whole element is read as next_if reads it.
        let whole = [0x30, 0x03, 0x02, 0x01, 0x05];
        let mut r = Reader::new(&whole);
        assert_eq!(r.next_cut_if(SEQUENCE).unwrap().value.len(), 3);
        assert!(!r.broken());
    }

    #[test]
    fn object_identifiers_both_ways() {
        for (text, encoded) in [
            (
                "1.2.840.113549.1.1.11",
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b][..],
            ),
            ("2.5.4.3", &[0x55, 0x04, 0x03]),
            ("2.999.3", &[0x88, 0x37, 0x03]),
            ("0.9", &[0x09]),
        ] {
            assert_eq!(oid_text(encoded).as_deref(), Some(text));
            assert_eq!(oid_from_text(text).as_deref(), Some(encoded));
        }
        assert_eq!(oid_text(&[0x2a, 0x86]), None, "an arc cut short");
        assert_eq!(oid_text(&[]), None);
        for bad in ["1", "3.1", "1.40", "1..2", "a.b", "1.2.", "sha256WithRSAEncryption"] {
            assert_eq!(oid_from_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn integers_that_fit() {
        assert_eq!(uint(&[0x01, 0x00, 0x01]), Some(65537));
        assert_eq!(uint(&[0x00, 0xff]), Some(255));
        assert_eq!(uint(&[0xff]), None, "negative");
        assert_eq!(uint(&[1; 9]), None, "too large");
        assert_eq!(uint(&[]), None);
    }
}
