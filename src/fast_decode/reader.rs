//! [`Reader`]: a cursor over one entry's JSON text that reads the common shapes (objects,
//! arrays, strings, literals) in place and hands anything else (a number, a type it does not
//! read) to serde_json as the exact text of that one value. Where it is not
//! sure, it gives up with [`Fail`], and the whole entry is decoded by serde_json instead.

use std::borrow::Cow;

use serde::de::DeserializeOwned;

/// The fast path gave up on this entry; serde_json decodes it (and judges it, errors
/// included).
#[derive(Debug)]
pub struct Fail;

/// What a fast read gives.
pub type Fast<T> = Result<T, Fail>;

/// Nesting beyond this depth goes to serde_json (whose own limit is 128).
const MAX_DEPTH: u32 = 100;

/// A position in one JSON text.
pub struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: u32,
}

/// A mark on the high bit of each byte of `word` that is zero; the lowest mark is exact
/// (marks above a zero byte may be false).
const fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(0x0101_0101_0101_0101) & !word & 0x8080_8080_8080_8080
}

/// Marks on the bytes of `word` that are a `"`, a `\` or a control character (the lowest
/// exact, as in [`zero_bytes`]).
const fn special_bytes(word: u64) -> u64 {
    zero_bytes(word ^ 0x2222_2222_2222_2222)
        | zero_bytes(word ^ 0x5c5c_5c5c_5c5c_5c5c)
        | (word.wrapping_sub(0x2020_2020_2020_2020) & !word & 0x8080_8080_8080_8080)
}

/// Where the run of bytes from `at` that need no escape in a JSON string ends: at the first
/// `"`, `\`, control character or the end of `bytes`, read eight bytes at a time.
#[inline]
pub(super) fn plain_end(bytes: &[u8], mut at: usize) -> usize {
    loop {
        let Some(chunk) = bytes.get(at..at + 8) else {
            while bytes
                .get(at)
                .is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20)
            {
                at += 1;
            }
            return at;
        };
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let marks = special_bytes(u64::from_le_bytes(word));
        if marks != 0 {
            return at + (marks.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            at: 0,
            depth: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte that is not JSON whitespace, not consumed.
    #[inline]
    pub fn peek(&mut self) -> Fast<u8> {
        let bytes = self.bytes();
        while let Some(&byte) = bytes.get(self.at) {
            if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                return Ok(byte);
            }
            self.at += 1;
        }
        Err(Fail)
    }

    /// Where the next value starts (past any whitespace).
    pub fn position(&mut self) -> Fast<usize> {
        self.peek().map(|_| self.at)
    }

    /// Where the reader is: just past what it has read.
    pub fn offset(&self) -> usize {
        self.at
    }

    /// Nothing but whitespace is left.
    pub fn end(&mut self) -> Fast<()> {
        match self.peek() {
            Err(Fail) => Ok(()),
            Ok(_) => Err(Fail),
        }
    }

    #[inline]
    fn eat(&mut self, byte: u8) -> Fast<()> {
        if self.peek()? != byte {
            return Err(Fail);
        }
        self.at += 1;
        Ok(())
    }

    #[inline]
    fn word(&mut self, word: &[u8]) -> Fast<()> {
        if self.bytes().get(self.at..self.at + word.len()) != Some(word) {
            return Err(Fail);
        }
        self.at += word.len();
        Ok(())
    }

    /// Reads a `null` if one comes next, and says whether it did.
    #[inline]
    pub fn null(&mut self) -> Fast<bool> {
        if self.peek()? != b'n' {
            return Ok(false);
        }
        self.word(b"null")?;
        Ok(true)
    }

    /// `true` or `false`.
    #[inline]
    pub fn boolean(&mut self) -> Fast<bool> {
        match self.peek()? {
            b't' => self.word(b"true").map(|()| true),
            b'f' => self.word(b"false").map(|()| false),
            _ => Err(Fail),
        }
    }

    /// A string: borrowed when it has no escape; with escapes, decoded into a new one.
    #[inline]
    pub fn str(&mut self) -> Fast<Cow<'a, str>> {
        self.eat(b'"')?;
        let (bytes, start) = (self.bytes(), self.at);
        let at = plain_end(bytes, start);
        match bytes.get(at) {
            Some(b'"') => {
                self.at = at + 1;
                self.text.get(start..at).map(Cow::Borrowed).ok_or(Fail)
            }
            Some(b'\\') => self.escaped(start - 1, at),
            _ => Err(Fail),
        }
    }

    /// The rest of a string with escapes (`open` is its `"`, `at` its first `\`).
    #[inline(never)]
    fn escaped(&mut self, open: usize, at: usize) -> Fast<Cow<'a, str>> {
        let (text, end) = super::escape::unescape(self.text, open + 1, at)?;
        self.at = end;
        Ok(Cow::Owned(text))
    }

    /// An object: `field` reads the value of each key in turn.
    #[inline]
    pub fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, Cow<'a, str>) -> Fast<()>,
    ) -> Fast<()> {
        self.sequence(b'{', b'}', |reader| {
            let key = reader.str()?;
            reader.eat(b':')?;
            field(reader, key)
        })
    }

    /// An array: `element` reads each element in turn.
    pub fn array(&mut self, element: impl FnMut(&mut Self) -> Fast<()>) -> Fast<()> {
        self.sequence(b'[', b']', element)
    }

    /// Items between `open` and `close`, separated by commas, each read by `item`.
    #[inline]
    fn sequence(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Fast<()>,
    ) -> Fast<()> {
        self.eat(open)?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Fail);
        }
        if self.peek()? != close {
            loop {
                item(self)?;
                match self.peek()? {
                    b',' => self.at += 1,
                    byte if byte == close => break,
                    _ => return Err(Fail),
                }
            }
        }
        self.at += 1;
        self.depth -= 1;
        Ok(())
    }

    /// An integer written plainly (`-?(0|[1-9][0-9]*)`, not `-0`) that fits an `i64`; a
    /// fraction, an exponent, `-0` or anything larger is serde_json's to judge.
    pub fn integer(&mut self) -> Fast<i64> {
        self.peek()?;
        let (bytes, start) = (self.bytes(), self.at);
        let mut at = start + usize::from(bytes.get(start) == Some(&b'-'));
        let digits = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        let leading_zero = at - digits > 1 && bytes.get(digits) == Some(&b'0');
        // serde_json reads `-0` as the float -0.0, which an integer field refuses.
        let negative_zero = digits > start && bytes.get(digits..at) == Some(b"0");
        if at == digits
            || leading_zero
            || negative_zero
            || matches!(bytes.get(at), Some(b'.' | b'e' | b'E'))
        {
            return Err(Fail);
        }
        self.at = at;
        self.text
            .get(start..at)
            .and_then(|t| t.parse().ok())
            .ok_or(Fail)
    }

    /// The next value decoded by serde_json from its own text (a number, or a type this
    /// reader does not read itself), which [`skip`](Self::skip) finds the end of.
    pub fn delegate<T: DeserializeOwned>(&mut self) -> Fast<T> {
        self.peek()?;
        let start = self.at;
        self.skip()?;
        let text = self.text.get(start..self.at).ok_or(Fail)?;
        serde_json::from_str(text).map_err(|_| Fail)
    }

    /// Passes over a number written as JSON's grammar has it:
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Fast<()> {
        let bytes = self.bytes();
        let digits = |at: &mut usize| {
            let start = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            if *at == start { Err(Fail) } else { Ok(()) }
        };
        let mut at = self.at + usize::from(bytes.get(self.at) == Some(&b'-'));
        match bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => digits(&mut at)?,
            _ => return Err(Fail),
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            digits(&mut at)?;
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            digits(&mut at)?;
        }
        self.at = at;
        Ok(())
    }

    /// Passes over one value, checking it as JSON as strictly as serde_json does (a number
    /// by JSON's grammar, a string's characters and escapes), so that text it passes over
    /// is text serde_json accepts.
    pub fn skip(&mut self) -> Fast<()> {
        match self.peek()? {
            b'"' => self.str().map(drop),
            b'{' => self.object(|r, _| r.skip()),
            b'[' => self.array(Self::skip),
            b't' | b'f' => self.boolean().map(drop),
            b'n' => self.word(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Fail),
        }
    }
}
