//! What a first pass over a capture learns about frames that come later, so that a
//! second pass can label earlier frames as `tshark -2` does: the version a TLS session
//! settles on (its Client Hello is labelled with it) and which frame answers an echo
//! request. Kept per conversation or transaction, never per frame.

use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct Hints {
    /// A second pass: unanswered requests can be called unanswered.
    pub(crate) complete: bool,
    /// The version each TLS session settled on, by `tcp.stream`.
    pub(crate) tls_versions: HashMap<u64, u16>,
    /// Echo requests and the frames that answered them.
    pub(crate) echo_replies: HashMap<u64, u64>,
}
