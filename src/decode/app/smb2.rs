//! SMB2/3 (MS-SMB2): the 64-byte header, compounded commands (NextCommand), and the
//! request details tshark puts in Info: dialects, NTLMSSP in Session Setup, tree paths,
//! file names (tracked from Create by FileId), read and write lengths. SMB1 is
//! recognised and named.

use super::ntlmssp;
use super::ntstatus::{self, STATUS_SUCCESS};
use super::Out;
use crate::decode::field::{Field, Value};
use crate::decode::packet::{Proto, Severity};
use crate::decode::text::{push_num, utf16le_lossy};
use crate::decode::FastMap;
use std::fmt::Write as _;

const HEADER_LEN: usize = 64;
const FLAG_RESPONSE: u32 = 0x0000_0001;
const FLAG_ASYNC: u32 = 0x0000_0002;
/// Entries kept in each tracking table; the table is emptied when full.
const MAX_TRACKED: usize = 4096;

pub const NEGOTIATE: u16 = 0;
pub const SESSION_SETUP: u16 = 1;
const LOGOFF: u16 = 2;
const TREE_CONNECT: u16 = 3;
const CREATE: u16 = 5;
const CLOSE: u16 = 6;
const READ: u16 = 8;
const WRITE: u16 = 9;
const IOCTL: u16 = 11;
const QUERY_DIRECTORY: u16 = 14;
const CHANGE_NOTIFY: u16 = 15;
const QUERY_INFO: u16 = 16;
const SET_INFO: u16 = 17;
const BREAK: u16 = 18;

/// Command names as tshark shows them.
pub fn command_name(command: u16) -> &'static str {
    match command {
        0 => "Negotiate Protocol",
        1 => "Session Setup",
        2 => "Session Logoff",
        3 => "Tree Connect",
        4 => "Tree Disconnect",
        5 => "Create",
        6 => "Close",
        7 => "Flush",
        8 => "Read",
        9 => "Write",
        10 => "Lock",
        11 => "Ioctl",
        12 => "Cancel",
        13 => "KeepAlive",
        14 => "Find",
        15 => "Notify",
        16 => "GetInfo",
        17 => "SetInfo",
        18 => "Break",
        _ => "Unknown",
    }
}

/// What a conversation remembers across messages: names by FileId, tree paths, and
/// the file a pending Create asked for.
#[derive(Debug, Default)]
pub struct Smb2State {
    files: FastMap<[u8; 16], String>,
    /// Requests waiting for their response, by message id: what the response needs.
    requests: FastMap<u64, Pending>,
    /// Share paths by (session, tree id).
    trees: FastMap<(u64, u32), String>,
    /// The Info text of the command being read, reused from command to command.
    text: String,
}

/// What a response is read with, remembered from its request.
#[derive(Debug, Clone)]
enum Pending {
    Create(String),
    TreeConnect(String),
    Find(u8),
    GetInfo(u8, u8),
}

fn bounded_insert<K: std::hash::Hash + Eq, V>(map: &mut FastMap<K, V>, key: K, value: V) {
    if map.len() >= MAX_TRACKED {
        map.clear();
    }
    map.insert(key, value);
}

/// A bounds-checked little-endian reader over one message.
struct Msg<'a>(&'a [u8]);

impl Msg<'_> {
    fn u8(&self, at: usize) -> Option<u8> {
        self.0.get(at).copied()
    }
    fn u16(&self, at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(self.0.get(at..at + 2)?.try_into().ok()?))
    }
    fn u32(&self, at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }
    fn u64(&self, at: usize) -> Option<u64> {
        Some(u64::from_le_bytes(self.0.get(at..at + 8)?.try_into().ok()?))
    }
    fn file_id(&self, at: usize) -> Option<[u8; 16]> {
        self.0.get(at..at + 16)?.try_into().ok()
    }
    /// UTF-16LE text at an offset from the header's start.
    fn utf16(&self, offset: usize, len: usize) -> Option<String> {
        Some(utf16le_lossy(self.0.get(offset..offset.checked_add(len)?)?))
    }
}

impl Smb2State {
    /// One NetBIOS session message holding SMB2 commands (several when compounded).
    pub fn message(&mut self, message: &[u8], out: &mut Out) {
        let mut at = 0;
        let mut first = true;
        loop {
            let rest = &message[at..];
            let next = if rest.len() >= HEADER_LEN {
                Msg(rest).u32(20).unwrap_or(0) as usize
            } else {
                0
            };
            let this = if next >= HEADER_LEN && next <= rest.len() {
                &rest[..next]
            } else {
                rest
            };
            out.message(Proto::Smb2, "SMB2");
            let mut text = std::mem::take(&mut self.text);
            text.clear();
            self.command(this, out, &mut text);
            if first {
                // Each SMB2 message starts the Info afresh (tshark clears the column at
                // the first command of a chain): with several in a segment, the last shows.
                out.clear_info();
            } else if text != super::MALFORMED {
                // tshark appends the malformed mark without a separator.
                out.info(";");
            }
            out.info(&text);
            self.text = text;
            first = false;
            if next < HEADER_LEN || next >= rest.len() {
                if next != 0 && rest.len() >= HEADER_LEN {
                    out.note(
                        Severity::Warning,
                        Proto::Smb2,
                        format!(
                            "NextCommand {next} does not point at another command inside the message \
                             ({} bytes left): the chain ends here",
                            rest.len()
                        ),
                    );
                }
                break;
            }
            at += next;
        }
    }

    /// Decodes one command; writes its Info text into `text`.
    fn command(&mut self, bytes: &[u8], out: &mut Out, text: &mut String) {
        let m = Msg(bytes);
        if bytes.len() < HEADER_LEN || m.u16(4) != Some(64) {
            out.note(Severity::Error, Proto::Smb2, "SMB2 header cut short or malformed");
            text.push_str(super::MALFORMED);
            return;
        }
        let status = m.u32(8).unwrap_or(0);
        let command = m.u16(12).unwrap_or(0);
        let flags = m.u32(16).unwrap_or(0);
        let response = flags & FLAG_RESPONSE != 0;
        let msg_id = m.u64(24).unwrap_or(0);
        let session = m.u64(40).unwrap_or(0);
        let tid = (flags & FLAG_ASYNC == 0).then(|| m.u32(36).unwrap_or(0));
        out.uint(Field::Smb2Cmd, command);
        if response {
            // In requests these four bytes are the channel sequence, not a status.
            out.uint(Field::Smb2NtStatus, status);
        }
        out.field(Field::Smb2FlagsResponse, Value::Bool(response));
        out.uint(Field::Smb2MsgId, msg_id);
        if let Some(tid) = tid {
            out.uint(Field::Smb2Tid, tid);
        }
        out.uint(Field::Smb2Sesid, session);
        if command == TREE_CONNECT && response && status == STATUS_SUCCESS {
            if let (Some(Pending::TreeConnect(path)), Some(tid)) = (self.requests.get(&msg_id).cloned(), tid) {
                bounded_insert(&mut self.trees, (session, tid), path);
            }
        }
        if let Some(path) = tid.and_then(|tid| self.trees.get(&(session, tid))) {
            out.str(Field::Smb2Tree, path.as_str());
        }
        if command == LOGOFF && response {
            self.trees.retain(|(s, _), _| *s != session);
        }
        text.push_str(command_name(command));
        text.push_str(if response { " Response" } else { " Request" });
        if command == BREAK {
            // A lease body is 44 bytes (notification) or 36 (acknowledgment and its
            // answer); an oplock one 24.
            let kind = if matches!(m.u16(HEADER_LEN), Some(44 | 36)) {
                "Lease"
            } else {
                "Oplock"
            };
            let what = match (response, msg_id == u64::MAX) {
                (true, true) => "Notification",
                (false, _) => "Acknowledgment",
                (true, false) => "Response",
            };
            text.clear();
            text.push_str(kind);
            text.push_str(" Break ");
            text.push_str(what);
        }
        if response && status != STATUS_SUCCESS {
            text.push_str(", Error: ");
            text.push_str(&ntstatus::name(status));
        }
        // An error answer carries a 9-byte error body, not the command's.
        let error_body = response
            && m.u16(HEADER_LEN) == Some(9)
            && !matches!(command, SESSION_SETUP | QUERY_DIRECTORY | QUERY_INFO)
            || response && status != STATUS_SUCCESS && status != ntstatus::STATUS_MORE_PROCESSING_REQUIRED;
        let pending = if response { self.requests.remove(&msg_id) } else { None };
        if !error_body {
            let before = text.len();
            let read = self.details(&m, (command, response, msg_id), pending, out, text);
            if read.is_none() {
                // tshark stops at the field it cannot read, and says so.
                text.truncate(before);
                text.push_str(super::MALFORMED);
            }
            if read.is_none() && bytes.len() > HEADER_LEN {
                // The body's fixed part is StructureSize bytes (its low bit flags a
                // variable part): when that is all there, an offset pointed outside.
                let fixed = usize::from(m.u16(HEADER_LEN).unwrap_or(0) & !1);
                let message = if fixed > 0 && bytes.len() >= HEADER_LEN + fixed {
                    format!(
                        "an offset or length in the {} body points outside the message",
                        command_name(command)
                    )
                } else {
                    format!("{} body cut short", command_name(command))
                };
                out.note(Severity::Warning, Proto::Smb2, message);
            }
        }
    }

    /// Command-specific fields, and Info text appended to `text` (`None` when the body
    /// is cut short: what was appended is then for the caller to drop).
    fn details(
        &mut self,
        m: &Msg,
        (command, response, msg_id): (u16, bool, u64),
        pending: Option<Pending>,
        out: &mut Out,
        text: &mut String,
    ) -> Option<()> {
        let b = HEADER_LEN;
        match (command, response) {
            (NEGOTIATE, false) => {
                let count = usize::from(m.u16(b + 2)?);
                for i in 0..count.min(64) {
                    out.uint(Field::Smb2Dialect, m.u16(b + 36 + 2 * i)?);
                }
            }
            (NEGOTIATE, true) => {
                out.uint(Field::Smb2Dialect, m.u16(b + 4)?);
                // The server's SPNEGO hint of the mechanisms it takes.
                let (offset, len) = (usize::from(m.u16(b + 56)?), usize::from(m.u16(b + 58)?));
                let blob = m.0.get(offset..offset + len).unwrap_or(&[]);
                ntlmssp::security_blob(blob, out);
            }
            (SESSION_SETUP, _) => {
                let (offset, len) = if response {
                    (m.u16(b + 4)?, m.u16(b + 6)?)
                } else {
                    (m.u16(b + 12)?, m.u16(b + 14)?)
                };
                let blob =
                    m.0.get(usize::from(offset)..usize::from(offset) + usize::from(len))
                        .unwrap_or(&[]);
                if let Some(ntlmssp) = ntlmssp::security_blob(blob, out) {
                    text.push_str(", ");
                    text.push_str(&ntlmssp);
                }
            }
            (TREE_CONNECT, false) => {
                let (offset, len) = (usize::from(m.u16(b + 4)?), usize::from(m.u16(b + 6)?));
                let path = m.utf16(offset, len)?;
                out.str(Field::Smb2Tree, path.as_str());
                text.push_str(" Tree: ");
                text.push_str(&path);
                bounded_insert(&mut self.requests, msg_id, Pending::TreeConnect(path));
            }
            (CREATE, false) => {
                let (offset, len) = (usize::from(m.u16(b + 44)?), usize::from(m.u16(b + 46)?));
                let name = if len == 0 { String::new() } else { m.utf16(offset, len)? };
                out.str(Field::Smb2Filename, name.as_str());
                text.push_str(" File: ");
                text.push_str(&name);
                bounded_insert(&mut self.requests, msg_id, Pending::Create(name));
            }
            (CREATE, true) => {
                let id = m.file_id(b + 64)?;
                let name = match pending {
                    Some(Pending::Create(name)) => name,
                    _ => String::new(),
                };
                text.push_str(" File: ");
                text.push_str(&name);
                bounded_insert(&mut self.files, id, name);
            }
            (CLOSE, false) | (CHANGE_NOTIFY, false) => self.push_file(m, b + 8, text)?,
            (READ, false) | (WRITE, false) => {
                let (len, offset) = (m.u32(b + 4)?, m.u64(b + 8)?);
                let field = if command == READ {
                    Field::Smb2ReadLength
                } else {
                    Field::Smb2WriteLength
                };
                text.push_str(" Len:");
                push_num(text, len);
                text.push_str(" Off:");
                push_num(text, offset);
                self.push_file(m, b + 16, text)?;
                out.uint(field, len);
                out.uint(Field::Smb2FileOffset, offset);
            }
            (READ, true) if m.u32(8) == Some(0) => {
                // The bytes read, which tshark hands on as data.
                let (offset, len) = (usize::from(m.u8(b + 2)?), m.u32(b + 4)? as usize);
                if let Some(data) = m.0.get(offset..offset.saturating_add(len)).filter(|d| !d.is_empty()) {
                    out.layer(Proto::Data);
                    if out.wants(Field::DataData) {
                        out.field(Field::DataData, Value::Bytes(data.to_vec()));
                    }
                    out.uint(Field::DataLen, data.len() as u64);
                }
            }
            (QUERY_DIRECTORY, false) => {
                let level = m.u8(b + 2)?;
                self.push_file(m, b + 8, text)?;
                let (offset, len) = (usize::from(m.u16(b + 24)?), usize::from(m.u16(b + 26)?));
                let pattern = m.utf16(offset, len).unwrap_or_default();
                text.push(' ');
                push_find_level_name(text, level);
                text.push_str(" Pattern: ");
                text.push_str(&pattern);
                out.str(Field::Smb2FindPattern, pattern);
                bounded_insert(&mut self.requests, msg_id, Pending::Find(level));
            }
            (QUERY_DIRECTORY, true) => {
                if let Some(Pending::Find(level)) = pending {
                    let (offset, len) = (usize::from(m.u16(b + 2)?), m.u32(b + 4)? as usize);
                    let listing = m.0.get(offset..offset.checked_add(len)?)?;
                    // The names are fields only (a listing may hold thousands).
                    if out.wants(Field::Smb2Filename) {
                        for name in directory_names(listing, level) {
                            out.str(Field::Smb2Filename, name);
                        }
                    }
                }
            }
            (QUERY_INFO, false) | (SET_INFO, false) => {
                let (class, level) = (m.u8(b + 2)?, m.u8(b + 3)?);
                let fid_at = if command == QUERY_INFO { b + 24 } else { b + 16 };
                text.push(' ');
                push_info_level_name(text, class, level);
                self.push_file(m, fid_at, text)?;
                out.uint(Field::Smb2Class, class);
                if command == QUERY_INFO {
                    bounded_insert(&mut self.requests, msg_id, Pending::GetInfo(class, level));
                }
            }
            (QUERY_INFO, true) => {
                if let Some(Pending::GetInfo(class, level)) = pending {
                    out.uint(Field::Smb2Class, class);
                    if (class, level) == (1, 0x12) {
                        // FileAllInformation ends with the file's name.
                        let offset = usize::from(m.u16(b + 2)?);
                        let len = m.u32(offset + 96)? as usize;
                        let name = m.0.get(offset + 100..(offset + 100).checked_add(len)?)?;
                        if out.wants(Field::Smb2Filename) {
                            out.str(Field::Smb2Filename, utf16le_lossy(name));
                        }
                    }
                }
            }
            (IOCTL, false) => {
                let function = m.u32(b + 4)?;
                out.uint(Field::Smb2IoctlFunction, function);
                text.push(' ');
                push_fsctl_name(text, function);
                if function == 0x0006_0194 {
                    // The DFS referral input: max level (2 bytes), then the path, NUL-terminated.
                    let input = usize::try_from(m.u32(b + 24)?).ok()?;
                    let count = usize::try_from(m.u32(b + 28)?).ok()?;
                    let path = m.utf16(input + 2, count.saturating_sub(2))?;
                    text.push_str(", File: ");
                    text.push_str(path.trim_end_matches('\0'));
                } else {
                    self.push_file(m, b + 8, text)?;
                }
            }
            _ => {}
        }
        Some(())
    }

    /// Appends " File: name" for the FileId at `at` if a Create named it; nothing for
    /// one it did not (the related-operation id of a compound, or an open from before
    /// the capture). `None` when the id is cut short.
    fn push_file(&self, m: &Msg, at: usize, text: &mut String) -> Option<()> {
        let id = m.file_id(at)?;
        if let Some(name) = self.files.get(&id) {
            text.push_str(" File: ");
            text.push_str(name);
        }
        Some(())
    }
}

/// The names in a directory listing (a Find response), for the levels clients use.
fn directory_names(listing: &[u8], level: u8) -> Vec<String> {
    // Where each entry keeps its name length and its name.
    let (len_at, name_at) = match level {
        0x01 => (60, 64),
        0x02 => (60, 68),
        0x03 => (60, 94),
        0x0c => (8, 12),
        0x25 => (60, 104),
        0x26 => (60, 80),
        _ => return Vec::new(),
    };
    let entries = Msg(listing);
    let mut names = Vec::new();
    let mut at = 0;
    while let (Some(next), Some(len)) = (entries.u32(at), entries.u32(at + len_at)) {
        match entries.utf16(at + name_at, len as usize) {
            Some(name) => names.push(name),
            None => break,
        }
        if next == 0 || names.len() >= 4096 {
            break;
        }
        at += next as usize;
    }
    names
}

fn push_find_level_name(text: &mut String, level: u8) {
    text.push_str(match level {
        0x01 => "SMB2_FIND_DIRECTORY_INFO",
        0x02 => "SMB2_FIND_FULL_DIRECTORY_INFO",
        0x03 => "SMB2_FIND_BOTH_DIRECTORY_INFO",
        0x0c => "SMB2_FIND_NAME_INFO",
        0x25 => "SMB2_FIND_ID_BOTH_DIRECTORY_INFO",
        0x26 => "SMB2_FIND_ID_FULL_DIRECTORY_INFO",
        other => return push_unknown(text, other),
    });
}

/// `Unknown (0x2a)`.
fn push_unknown(text: &mut String, code: u8) {
    let _ = write!(text, "Unknown (0x{code:02x})");
}

fn push_info_level_name(text: &mut String, class: u8, level: u8) {
    let (class_name, level_name) = match class {
        1 => (
            "FILE_INFO",
            match level {
                0x04 => "SMB2_FILE_BASIC_INFO",
                0x05 => "SMB2_FILE_STANDARD_INFO",
                0x06 => "SMB2_FILE_INTERNAL_INFO",
                0x07 => "SMB2_FILE_EA_INFO",
                0x08 => "SMB2_FILE_ACCESS_INFO",
                0x0a => "SMB2_FILE_RENAME_INFO",
                0x0b => "SMB2_FILE_LINK_INFO",
                0x0d => "SMB2_FILE_DISPOSITION_INFO",
                0x0e => "SMB2_FILE_POSITION_INFO",
                0x0f => "SMB2_FILE_FULL_EA_INFO",
                0x10 => "SMB2_FILE_MODE_INFO",
                0x11 => "SMB2_FILE_ALIGNMENT_INFO",
                0x12 => "SMB2_FILE_ALL_INFO",
                0x13 => "SMB2_FILE_ALLOCATION_INFO",
                0x14 => "SMB2_FILE_ENDOFFILE_INFO",
                0x15 => "SMB2_FILE_ALTERNATE_NAME_INFO",
                0x16 => "SMB2_FILE_STREAM_INFO",
                0x17 => "SMB2_FILE_PIPE_INFO",
                0x1c => "SMB2_FILE_COMPRESSION_INFO",
                0x22 => "SMB2_FILE_NETWORK_OPEN_INFO",
                0x23 => "SMB2_FILE_ATTRIBUTE_TAG_INFO",
                _ => "",
            },
        ),
        2 => (
            "FS_INFO",
            match level {
                1 => "FileFsVolumeInformation",
                2 => "FileFsLabelInformation",
                3 => "FileFsSizeInformation",
                4 => "FileFsDeviceInformation",
                5 => "FileFsAttributeInformation",
                6 => "FileFsControlInformation",
                7 => "FileFsFullSizeInformation",
                8 => "FileFsObjectIdInformation",
                11 => "FileFsSectorSizeInformation",
                _ => "",
            },
        ),
        3 => ("SEC_INFO", if level == 0 { "SMB2_SEC_INFO_00" } else { "" }),
        4 => ("QUOTA_INFO", ""),
        _ => ("", ""),
    };
    for (name, code, separator) in [(class_name, class, "/"), (level_name, level, "")] {
        if name.is_empty() {
            push_unknown(text, code);
        } else {
            text.push_str(name);
        }
        text.push_str(separator);
    }
}

fn push_fsctl_name(text: &mut String, function: u32) {
    text.push_str(match function {
        0x0006_0194 => "FSCTL_DFS_GET_REFERRALS",
        0x0006_01b0 => "FSCTL_DFS_GET_REFERRALS_EX",
        0x0011_c017 => "FSCTL_PIPE_TRANSCEIVE",
        0x0011_0018 => "FSCTL_PIPE_WAIT",
        0x0014_0204 => "FSCTL_VALIDATE_NEGOTIATE_INFO",
        0x0014_01fc => "FSCTL_QUERY_NETWORK_INTERFACE_INFO",
        0x0014_4064 => "FSCTL_SRV_ENUMERATE_SNAPSHOTS",
        0x0014_0078 => "FSCTL_SRV_REQUEST_RESUME_KEY",
        0x0014_40f2 => "FSCTL_SRV_COPYCHUNK",
        0x0014_80f2 => "FSCTL_SRV_COPYCHUNK_WRITE",
        0x0009_00a8 => "FSCTL_GET_REPARSE_POINT",
        0x0009_00c0 => "FSCTL_CREATE_OR_GET_OBJECT_ID",
        0x0009_00c4 => "FSCTL_SET_SPARSE",
        other => {
            let _ = write!(text, "0x{other:08x}");
            return;
        }
    });
}

/// SMB1 commands tshark names most often.
fn smb1_command_name(command: u8) -> String {
    let name = match command {
        0x04 => "Close",
        0x06 => "Delete",
        0x25 => "Trans",
        0x2b => "Echo",
        0x2e => "Read AndX",
        0x2f => "Write AndX",
        0x32 => "Trans2",
        0x71 => "Tree Disconnect",
        0x72 => "Negotiate Protocol",
        0x73 => "Session Setup AndX",
        0x74 => "Logoff AndX",
        0x75 => "Tree Connect AndX",
        0xa0 => "NT Trans",
        0xa2 => "NT Create AndX",
        0xa4 => "NT Cancel",
        other => return format!("Unknown (0x{other:02x})"),
    };
    name.into()
}

/// SMB1: recognised and named (`Negotiate Protocol Request`), not decoded further.
pub fn smb1(message: &[u8], out: &mut Out) {
    out.message(Proto::Smb, "SMB");
    let m = Msg(message);
    let (Some(command), Some(status), Some(flags)) = (m.u8(4), m.u32(5), m.u8(9)) else {
        out.info_part(super::MALFORMED);
        out.note(Severity::Error, Proto::Smb, "SMB header cut short");
        return;
    };
    let response = flags & 0x80 != 0;
    out.uint(Field::SmbCmd, command);
    out.uint(Field::SmbNtStatus, status);
    let mut text = format!(
        "{} {}",
        smb1_command_name(command),
        if response { "Response" } else { "Request" }
    );
    if response && status != 0 {
        text.push_str(&format!(", Error: {}", ntstatus::name(status)));
    }
    out.info_part(&text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::app::testing::{packet, values};

    fn header(command: u16, response: bool, status: u32, next: u32) -> Vec<u8> {
        let mut h = vec![0xfe, b'S', b'M', b'B', 64, 0, 0, 0];
        h.extend(status.to_le_bytes());
        h.extend(command.to_le_bytes());
        h.extend([0, 0]);
        h.extend(u32::from(response).to_le_bytes());
        h.extend(next.to_le_bytes());
        h.resize(64, 0);
        h
    }

    fn decode(state: &mut Smb2State, message: &[u8]) -> crate::decode::packet::Packet {
        let mut p = packet(1);
        state.message(message, &mut Out::new(&mut p, 0, 0));
        p
    }

    #[test]
    fn negotiate_response_names_the_dialect() {
        let mut message = header(NEGOTIATE, true, 0, 0);
        // The fixed body (64 bytes), no security buffer.
        message.extend([65, 0, 1, 0, 0x11, 0x03]);
        message.resize(64 + 64, 0);
        let p = decode(&mut Smb2State::default(), &message);
        assert_eq!(p.info, "Negotiate Protocol Response");
        assert_eq!(values(&p, Field::Smb2Dialect), ["0x0311"]);
        // Cut short, as tshark marks it.
        message.truncate(64 + 6);
        let p = decode(&mut Smb2State::default(), &message);
        assert_eq!(p.info, "Negotiate Protocol Response[Malformed Packet]");
    }

    #[test]
    fn logon_failure_and_compounds() {
        let mut message = header(SESSION_SETUP, true, ntstatus::STATUS_LOGON_FAILURE, 0);
        message.extend([9, 0, 0, 0, 0, 0, 0, 0, 0]);
        let p = decode(&mut Smb2State::default(), &message);
        assert_eq!(p.info, "Session Setup Response, Error: STATUS_LOGON_FAILURE");
        assert_eq!(values(&p, Field::Smb2NtStatus), ["0xc000006d"]);

        let mut compound = header(4, false, 0, 72);
        compound.extend([4, 0, 0, 0, 0, 0, 0, 0]);
        compound.extend(header(LOGOFF, false, 0, 0));
        compound.extend([4, 0, 0, 0]);
        let p = decode(&mut Smb2State::default(), &compound);
        assert_eq!(p.info, "Tree Disconnect Request;Session Logoff Request");
    }

    #[test]
    fn cut_short_headers_and_bodies_are_noted_not_fatal() {
        let p = decode(&mut Smb2State::default(), &[0xfe, b'S', b'M', b'B', 64, 0]);
        assert_eq!(p.info, "[Malformed Packet]");
        let mut create = header(CREATE, false, 0, 0);
        create.extend([57, 0, 0]);
        let p = decode(&mut Smb2State::default(), &create);
        assert_eq!(p.info, "Create Request[Malformed Packet]");
        assert!(p.notes.iter().any(|n| n.message.contains("cut short")));
    }
}
