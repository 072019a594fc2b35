//! Reading a diary from a file without holding its whole text: the entries are parsed one by
//! one from a window of the input, everything else is kept and parsed as the loader does.
//!
//! This is only a faster road to the same result. On anything unusual (a syntax or value error,
//! a second `entries`, very deep nesting) it gives up with [`StreamError::Unsure`], and the caller
//! reads the whole file and parses it with [`super::parse_diary_owned`], which names the error
//! exactly as before.

use super::load::{finish, line_start, parse_wire};
use super::model::{Diary, Entry, Retraction};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use std::io::{self, Read};

/// Why a diary was not read by streaming.
#[derive(Debug)]
pub enum StreamError {
    /// Reading failed.
    Io(io::Error),
    /// Not a plainly valid diary: read it whole with [`super::parse_diary_owned`], which gives the
    /// exact error (or, should streaming have been too careful, the diary).
    Unsure,
}

impl From<io::Error> for StreamError {
    fn from(e: io::Error) -> Self {
        StreamError::Io(e)
    }
}

/// Bytes read at a time.
const CHUNK: usize = 256 << 10;

/// An entry nested deeper than this (objects and arrays in unknown fields or history) is left to
/// the whole-file parse, whose nesting limit (128, counted from the top of the document) then
/// applies exactly as before.
const MAX_ENTRY_DEPTH: usize = 100;

/// Parse a diary from `reader` (UTF-8 JSON, an optional BOM skipped): the same diary as
/// [`super::parse_diary`] gives for the same bytes, with at most a few chunks of text in memory
/// beside it.
pub fn parse_diary_from(reader: impl Read) -> Result<Diary, StreamError> {
    let mut input = Window {
        reader,
        buf: Vec::new(),
        pos: 0,
        end: 0,
        eof: false,
    };
    // Everything but the entries, for the loader's own parse.
    let mut rest: Vec<u8> = Vec::new();
    let mut entries: Option<Vec<Entry>> = None;

    input.want(3)?;
    if input.unread().starts_with(b"\xEF\xBB\xBF") {
        input.pos = 3;
    }
    input.copy_space(&mut rest)?;
    input.copy_byte(b'{', &mut rest)?;
    input.copy_space(&mut rest)?;
    if input.peek()? == Some(b'}') {
        input.copy_byte(b'}', &mut rest)?;
    } else {
        loop {
            let key: String = input.copy_value(&mut rest)?;
            input.copy_space(&mut rest)?;
            input.copy_byte(b':', &mut rest)?;
            input.copy_space(&mut rest)?;
            if key == "entries" && input.peek()? == Some(b'[') {
                if entries.is_some() {
                    // A second `entries`: the loader refuses it; let it say so.
                    return Err(StreamError::Unsure);
                }
                input.copy_byte(b'[', &mut rest)?;
                entries = Some(input.entries()?);
                input.copy_byte(b']', &mut rest)?;
            } else {
                let IgnoredAny = input.copy_value(&mut rest)?;
            }
            input.copy_space(&mut rest)?;
            match input.peek()? {
                Some(b',') => {
                    input.copy_byte(b',', &mut rest)?;
                    input.copy_space(&mut rest)?;
                }
                _ => {
                    input.copy_byte(b'}', &mut rest)?;
                    break;
                }
            }
        }
    }
    input.copy_space(&mut rest)?;
    if input.peek()?.is_some() {
        return Err(StreamError::Unsure);
    }
    drop(input);
    let mut wire = parse_wire(&rest).map_err(|_| StreamError::Unsure)?;
    drop(rest);
    if let Some(entries) = entries {
        wire.entries = entries;
    }
    finish(wire).map_err(|_| StreamError::Unsure)
}

/// The unread part of the input: `buf[pos..end]`, refilled from `reader` as values are taken.
/// `buf` beyond `end` is room to read into (initialised once, not per read).
struct Window<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Window<R> {
    fn unread(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// Read until at least `n` unread bytes are buffered or the input ends. Bytes already taken
    /// are dropped first when they are most of the buffer.
    fn want(&mut self, n: usize) -> Result<(), StreamError> {
        while self.end - self.pos < n && !self.eof {
            if self.pos > 0 && self.pos >= self.end / 2 {
                self.buf.copy_within(self.pos..self.end, 0);
                self.end -= self.pos;
                self.pos = 0;
            }
            // Room for at least a chunk, and at least as much as is unread: a value longer
            // than a chunk is parsed again a logarithmic number of times, not once per chunk.
            let room = CHUNK.max(self.end - self.pos);
            if self.buf.len() - self.end < room {
                // A fresh zeroed buffer (pages the system zeroes when first touched) rather
                // than `resize`, which writes every zero; at least twice as large, so that a
                // long value read a little at a time is copied a logarithmic number of times.
                let mut bigger = vec![0u8; (self.end + room).max(2 * self.buf.len())];
                bigger[..self.end].copy_from_slice(&self.buf[..self.end]);
                self.buf = bigger;
            }
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    fn peek(&mut self) -> Result<Option<u8>, StreamError> {
        self.want(1)?;
        Ok(self.unread().first().copied())
    }

    /// Take JSON white space, keeping it in `out`.
    fn copy_space(&mut self, out: &mut Vec<u8>) -> Result<(), StreamError> {
        self.space(Some(out))
    }

    /// Take `byte`, keeping it in `out`; anything else is for the loader to judge.
    fn copy_byte(&mut self, byte: u8, out: &mut Vec<u8>) -> Result<(), StreamError> {
        if self.peek()? != Some(byte) {
            return Err(StreamError::Unsure);
        }
        out.push(byte);
        self.pos += 1;
        Ok(())
    }

    /// Take one JSON value, keeping its text in `out`.
    fn copy_value<T: for<'de> Deserialize<'de>>(
        &mut self,
        out: &mut Vec<u8>,
    ) -> Result<T, StreamError> {
        let (value, len) = self.value()?;
        out.extend_from_slice(&self.unread()[..len]);
        self.pos += len;
        Ok(value)
    }

    /// Parse one value at the start of the unread bytes; returns it and its length. A value cut
    /// by the end of the buffer is parsed again once more has been read; a value that reaches the
    /// end of the buffer too (a number may go on) unless the input has ended.
    fn value<T: for<'de> Deserialize<'de>>(&mut self) -> Result<(T, usize), StreamError> {
        loop {
            let unread = self.unread();
            let mut values = serde_json::Deserializer::from_slice(unread).into_iter::<T>();
            match values.next() {
                Some(Ok(value)) if values.byte_offset() < unread.len() || self.eof => {
                    return Ok((value, values.byte_offset()));
                }
                Some(Ok(_)) => {}
                // Cut by the end of what has been read so far: an end of input, or a number
                // cut after its `.`, `e` or `-`. An error further back is the diary's.
                Some(Err(e)) if !self.eof && near_the_end(unread, e.line(), e.column()) => {}
                None if !self.eof => {}
                _ => return Err(StreamError::Unsure),
            }
            // Twice what is unread: a reader that gives a few bytes at a time (a pipe) still
            // costs a logarithmic number of parses of a value, not one per read.
            self.want(2 * (self.end - self.pos) + 1)?;
        }
    }

    /// The elements of the `entries` array, up to (not including) its closing bracket.
    fn entries(&mut self) -> Result<Vec<Entry>, StreamError> {
        let mut entries = Vec::new();
        self.skip_space()?;
        if self.peek()? == Some(b']') {
            return Ok(entries);
        }
        loop {
            let (entry, len) = self.value::<Entry>()?;
            self.pos += len;
            if depth_of_entry(&entry) > MAX_ENTRY_DEPTH {
                return Err(StreamError::Unsure);
            }
            entries.push(entry);
            self.skip_space()?;
            match self.peek()? {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_space()?;
                }
                Some(b']') => return Ok(entries),
                _ => return Err(StreamError::Unsure),
            }
        }
    }

    fn skip_space(&mut self) -> Result<(), StreamError> {
        self.space(None)
    }

    /// Take JSON white space (a slice at a time), keeping it in `out` when given.
    fn space(&mut self, mut out: Option<&mut Vec<u8>>) -> Result<(), StreamError> {
        loop {
            let unread = self.unread();
            let blank = unread
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .count();
            if let Some(out) = out.as_deref_mut() {
                out.extend_from_slice(&unread[..blank]);
            }
            self.pos += blank;
            if self.pos < self.end || self.eof {
                return Ok(());
            }
            self.want(1)?;
        }
    }
}

/// True when a parse error at `line`:`column` (1-based, as serde_json counts) of `bytes` lies
/// within the last few bytes, where the text may merely have been cut.
fn near_the_end(bytes: &[u8], line: usize, column: usize) -> bool {
    line_start(bytes, line).is_some_and(|start| start + column + 16 >= bytes.len())
}

/// How deeply an entry's JSON nests (the entry object itself is 1).
fn depth_of_entry(entry: &Entry) -> usize {
    let details = &entry.details;
    let extra = details.extra.iter().map(|(_, v)| depth(v));
    let history = details
        .history
        .iter()
        .flatten()
        .map(|item| 1 + item.values().map(depth).max().unwrap_or(0));
    let retracted = details
        .retracted
        .as_deref()
        .map(|r: &Retraction| 1 + r.extra.iter().map(|(_, v)| depth(v)).max().unwrap_or(0));
    let history_list = usize::from(details.history.is_some());
    1 + extra
        .chain(history.map(|d| d + history_list))
        .chain(retracted)
        .max()
        .unwrap_or(0)
}

/// How deeply a value nests: 0 for a scalar, 1 for a flat array or object.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}
