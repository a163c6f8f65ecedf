//! Stored pictures and voices, as the simulated network and the OneBot bridge both keep
//! them: what a blob is (its content hash, its Content-Type, a picture's size or a voice's
//! length, read from the bytes' headers, no image library), and the XLZ text codes that
//! name one (`[pic,hash=…]`, `[flashPic,hash=…]`, `[Audio,hash=…]`).
//!
//! How a backend reads and serves the bytes themselves: [`MediaFetcher`], [`MediaAccess`],
//! [`MediaBytes`].

mod access;

pub use access::{MediaAccess, MediaBytes, MediaFetcher, DEFAULT_BASE_URL};

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::reply::{Failure, FailureKind};
use crate::textcode::{self, Code, Segment};

/// What the network knows of an uploaded blob (the bytes are a store blob under `hash`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaInfo {
    /// Size in bytes.
    pub size: u64,
    /// The `Content-Type` it is served with.
    pub content_type: String,
    /// A picture's width in pixels (0 when not a known picture format).
    pub width: u32,
    /// A picture's height in pixels (0 when not a known picture format).
    pub height: u32,
    /// A voice's length in seconds (an estimate unless WAV).
    pub seconds: u32,
    /// When it was first uploaded (unix seconds).
    pub time: i64,
}

impl MediaInfo {
    /// Describes `bytes`, uploaded at `time`.
    pub fn of(bytes: &[u8], time: i64) -> MediaInfo {
        let (width, height) = picture_size(bytes).unwrap_or((0, 0));
        MediaInfo {
            size: bytes.len() as u64,
            content_type: content_type(bytes).to_owned(),
            width,
            height,
            seconds: voice_seconds(bytes),
            time,
        }
    }
}

/// The MD5 of `bytes` as 32 upper-case hex digits (QQ's picture hash).
pub fn md5_hex(bytes: &[u8]) -> String {
    let digest = Md5::digest(bytes);
    digest.iter().map(|b| format!("{b:02X}")).collect()
}

/// `hash` upper-cased when it is 32 hex digits.
pub fn normal_hash(hash: &str) -> Option<String> {
    (hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| hash.to_ascii_uppercase())
}

/// The Content-Type of `bytes`, from their magic numbers.
pub fn content_type(bytes: &[u8]) -> &'static str {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if starts(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if starts(b"BM") && bytes.len() > 26 {
        "image/bmp"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        "image/webp"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        "audio/wav"
    } else if starts(b"#!AMR") {
        "audio/amr"
    } else if starts(b"#!SILK") || starts(b"\x02#!SILK") {
        "audio/silk"
    } else if starts(b"ID3") || (bytes.len() > 1 && bytes[0] == 0xff && bytes[1] & 0xe0 == 0xe0) {
        "audio/mpeg"
    } else if starts(b"OggS") {
        "audio/ogg"
    } else if bytes.get(4..8) == Some(b"ftyp") {
        "video/mp4"
    } else if starts(b"\x1a\x45\xdf\xa3") {
        "video/webm"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"AVI ") {
        "video/x-msvideo"
    } else {
        "application/octet-stream"
    }
}

fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 2)?;
    Some(u32::from(u16::from_be_bytes([b[0], b[1]])))
}

fn le16(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 2)?;
    Some(u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Width and height of a PNG, GIF, JPEG or BMP picture, from its header.
pub fn picture_size(bytes: &[u8]) -> Option<(u32, u32)> {
    match content_type(bytes) {
        "image/png" if bytes.get(12..16) == Some(b"IHDR") => {
            Some((be32(bytes, 16)?, be32(bytes, 20)?))
        }
        "image/gif" => Some((le16(bytes, 6)?, le16(bytes, 8)?)),
        "image/bmp" => {
            let width = le32(bytes, 18)?;
            let height = le32(bytes, 22)? as i32;
            Some((width, height.unsigned_abs()))
        }
        "image/jpeg" => jpeg_size(bytes),
        _ => None,
    }
}

/// Walks a JPEG's segments to its start-of-frame marker.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Skip fill bytes before a marker.
        while *bytes.get(at)? == 0xff && *bytes.get(at + 1)? == 0xff {
            at += 1;
        }
        if *bytes.get(at)? != 0xff {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        at += 2;
        match marker {
            0xd8 | 0x01 | 0xd0..=0xd7 => continue,
            0xd9 | 0xda => return None,
            _ => {}
        }
        let length = be16(bytes, at)? as usize;
        let is_frame = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
        if is_frame {
            return Some((be16(bytes, at + 5)?, be16(bytes, at + 3)?));
        }
        if length < 2 {
            return None;
        }
        at += length;
    }
}

/// A voice's length in seconds: exact for WAV, else estimated from the size at the
/// bitrate of QQ voices (about 2 000 bytes a second), at least 1.
pub fn voice_seconds(bytes: &[u8]) -> u32 {
    if content_type(bytes) == "audio/wav" {
        if let Some(rate) = le32(bytes, 28).filter(|&r| r > 0) {
            let data = (bytes.len() as u64).saturating_sub(44);
            return u32::try_from(data / u64::from(rate))
                .unwrap_or(u32::MAX)
                .max(1);
        }
    }
    u32::try_from(bytes.len() / 2000).unwrap_or(u32::MAX).max(1)
}

/// A minimal PNG header of `width` × `height`: enough for the header readers here, for
/// tests and examples.
pub fn sample_png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(b"\x08\x06\0\0\0rest-of-the-picture");
    bytes
}

/// `[pic,hash=…,wide=…,high=…]`, or `[flashPic,hash=…]` for a flash picture.
pub fn picture_code(hash: &str, info: &MediaInfo, flash: bool) -> Code {
    if flash {
        Code::new("flashPic").with("hash", hash)
    } else {
        Code::new("pic")
            .with("hash", hash)
            .with("wide", info.width.to_string())
            .with("high", info.height.to_string())
    }
}

/// `[Audio,hash=…,time=…]`.
pub fn voice_code(hash: &str, info: &MediaInfo) -> Code {
    Code::new("Audio")
        .with("hash", hash)
        .with("time", info.seconds.to_string())
}

/// `[litleVideo,hash=…,url=…]`: a short video, by hash, with the URL serving it (XLZ names
/// the code; its fields are lizi's, as QQ's are not known).
pub fn video_code(hash: &str, url: String) -> Code {
    with_url(Code::new("litleVideo").with("hash", hash), url)
}

/// The file extension QQ gives media of `content_type` (`png`, `amr`, `mp4`…), empty for
/// other content.
pub fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/bmp" => "bmp",
        "image/webp" => "webp",
        "audio/wav" => "wav",
        "audio/amr" => "amr",
        "audio/silk" => "silk",
        "audio/mpeg" => "mp3",
        "audio/ogg" => "ogg",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        "video/x-msvideo" => "avi",
        _ => "",
    }
}

/// `code` with its `url` argument set to `url` (replacing any given one).
pub fn with_url(mut code: Code, url: String) -> Code {
    code.args
        .retain(|(key, _)| !key.eq_ignore_ascii_case("url"));
    code.args.push(("url".to_owned(), url));
    code
}

/// The hash a media code names, normalised, if it is one of `pic`, `flashPic`, `Audio`,
/// `litleVideo`.
pub fn media_hash(code: &Code) -> Option<String> {
    let media = ["pic", "flashPic", "Audio", "litleVideo"]
        .iter()
        .any(|n| code.is(n));
    media
        .then(|| code.get("hash").and_then(normal_hash))
        .flatten()
}

/// The hash of the first media code in `photo` (`/getphotourl`'s parameter).
pub fn photo_hash(photo: &str) -> Result<String, Failure> {
    textcode::parse(photo)
        .into_iter()
        .find_map(|segment| match segment {
            Segment::Code(code) => media_hash(&code),
            _ => None,
        })
        .ok_or_else(|| {
            Failure::new(
                FailureKind::Invalid,
                format!("`{photo}` is not a picture code such as [pic,hash=<32 hex>]"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        sample_png(width, height)
    }

    #[test]
    fn hashes_are_upper_hex_md5() {
        assert_eq!(md5_hex(b"hello"), "5D41402ABC4B2A76B9719D911017C592");
        assert_eq!(
            normal_hash("5d41402abc4b2a76b9719d911017c592").as_deref(),
            Some("5D41402ABC4B2A76B9719D911017C592")
        );
        assert_eq!(normal_hash("5d41"), None);
        assert_eq!(normal_hash("../../etc/passwd/aaaaaaaaaaaaaaaaa"), None);
    }

    #[test]
    fn picture_headers() {
        assert_eq!(picture_size(&png(640, 480)), Some((640, 480)));
        assert_eq!(content_type(&png(1, 1)), "image/png");
        let gif = b"GIF89a\x20\x03\x58\x02rest";
        assert_eq!(picture_size(gif), Some((800, 600)));
        // SOI, an APP0 segment, then SOF0 with height 200 and width 300.
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
        jpeg.extend_from_slice(&[0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0xc8, 0x01, 0x2c]);
        assert_eq!(picture_size(&jpeg), Some((300, 200)));
        assert_eq!(picture_size(b"hello"), None);
        assert_eq!(picture_size(b"\xff\xd8\xff"), None, "truncated JPEG");
        assert_eq!(
            MediaInfo::of(b"hello", 5).content_type,
            "application/octet-stream"
        );
    }

    #[test]
    fn videos_are_known_by_their_headers() {
        let mp4 = b"\0\0\0\x18ftypmp42rest";
        assert_eq!(content_type(mp4), "video/mp4");
        assert_eq!(extension(content_type(mp4)), "mp4");
        assert_eq!(content_type(b"\x1a\x45\xdf\xa3webm"), "video/webm");
        assert_eq!(extension("application/octet-stream"), "");
        let code = video_code("AB", "http://x/y".into());
        assert_eq!(media_hash(&code), None, "AB is no hash");
        let hash = md5_hex(mp4);
        assert_eq!(
            media_hash(&video_code(&hash, "http://x".into())),
            Some(hash)
        );
    }

    #[test]
    fn voice_lengths() {
        let mut wav = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0".to_vec();
        wav.extend_from_slice(&8000u32.to_le_bytes()); // sample rate (unused)
        wav.extend_from_slice(&8000u32.to_le_bytes()); // byte rate at 28
        wav.resize(44 + 24_000, 0);
        assert_eq!(content_type(&wav), "audio/wav");
        assert_eq!(voice_seconds(&wav), 3);
        assert_eq!(voice_seconds(b"#!AMR tiny"), 1);
        assert_eq!(voice_seconds(&vec![0u8; 10_000]), 5);
    }
}
