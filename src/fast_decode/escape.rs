//! Strings with escapes, decoded as serde_json decodes them into a `String`: `\"`, `\\`, `\/`,
//! `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX` (a surrogate pair as one character). Anything
//! serde_json refuses (an unknown escape, a lone surrogate, a bad hex digit, a control
//! character, no closing quote) makes the reader give up, so that serde_json's error is the
//! one the caller sees.

use super::reader::{Fail, Fast, plain_end};

/// The string in `text` whose content starts at `start` and whose first `\` is at `first`:
/// its decoded value, and the position after its closing `"`.
pub(super) fn unescape(text: &str, start: usize, first: usize) -> Fast<(String, usize)> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(first - start + 16);
    out.push_str(text.get(start..first).ok_or(Fail)?);
    let mut at = first;
    loop {
        match bytes.get(at) {
            Some(b'"') => return Ok((out, at + 1)),
            Some(b'\\') => {
                let (decoded, next) = escape(bytes, at + 1)?;
                out.push(decoded);
                at = next;
            }
            Some(_) => {
                // A run without escapes ends at an ASCII byte, so both ends are on character
                // boundaries; a control character ends it without moving.
                let end = plain_end(bytes, at);
                if end == at {
                    return Err(Fail);
                }
                out.push_str(text.get(at..end).ok_or(Fail)?);
                at = end;
            }
            None => return Err(Fail),
        }
    }
}

/// The character of the escape whose letter is at `at` (after its `\`), and the position
/// after the escape.
fn escape(bytes: &[u8], at: usize) -> Fast<(char, usize)> {
    let decoded = match bytes.get(at).ok_or(Fail)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return unicode(bytes, at + 1),
        _ => return Err(Fail),
    };
    Ok((decoded, at + 1))
}

/// The character of a `\u` escape whose four hex digits start at `at`, with the low half of
/// a surrogate pair when the first is a high half; the position after it.
fn unicode(bytes: &[u8], at: usize) -> Fast<(char, usize)> {
    let high = hex4(bytes, at)?;
    let (code, end) = match high {
        0xD800..=0xDBFF => {
            if bytes.get(at + 4..at + 6) != Some(b"\\u") {
                return Err(Fail);
            }
            let low = hex4(bytes, at + 6)?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err(Fail);
            }
            (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), at + 10)
        }
        0xDC00..=0xDFFF => return Err(Fail),
        code => (code, at + 4),
    };
    Ok((char::from_u32(code).ok_or(Fail)?, end))
}

/// Four hex digits (either case) at `at`.
fn hex4(bytes: &[u8], at: usize) -> Fast<u32> {
    let digits = bytes.get(at..at + 4).ok_or(Fail)?;
    digits.iter().try_fold(0, |code, &digit| {
        let value = char::from(digit).to_digit(16).ok_or(Fail)?;
        Ok(code * 16 + value)
    })
}
