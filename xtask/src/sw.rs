//! Fills in the service worker's file list and version after a build.
//!
//! `static/sw.js` is copied into dist/ as is, with `const VERSION = 'dev';` and
//! `const PRECACHE = [];`. [`service_worker`] rewrites those two lines from
//! what is actually in dist/: every file but sw.js itself (and hidden files
//! and host configuration such as `_headers`), as paths relative to sw.js, and
//! a version that changes whenever any of their bytes or names change, or the
//! worker's own code. A new
//! version makes sw.js differ byte for byte, which is how a browser notices a
//! deploy. The rewrite finds the lines by their start, so running it twice
//! (trunk's post-build hook, then `cargo xtask dist`) gives the same file.

use std::fs;
use std::path::Path;

const SW: &str = "sw.js";
const VERSION_LINE: &str = "const VERSION = ";
const PRECACHE_LINE: &str = "const PRECACHE = ";

/// Rewrites `dist/sw.js` with the build's file list and version.
pub fn service_worker(dist: &Path) -> Result<(), String> {
    let sw_path = dist.join(SW);
    let source = fs::read_to_string(&sw_path).map_err(|e| format!("{}: {e}", sw_path.display()))?;
    let mut files = Vec::new();
    list(dist, "", &mut files)?;
    files.sort();
    let mut hash = Fnv::new();
    for name in &files {
        let path = dist.join(name);
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        hash.write(name.as_bytes());
        hash.write(&[0]);
        hash.write(&(bytes.len() as u64).to_le_bytes());
        hash.write(&bytes);
    }
    // The worker's own code counts too (not the two lines written here), so
    // a change to it alone also makes a new cache.
    for line in source.split_inclusive('\n') {
        if !line.starts_with(VERSION_LINE) && !line.starts_with(PRECACHE_LINE) {
            hash.write(line.as_bytes());
        }
    }
    let version = format!("{:016x}", hash.finish());
    let rewritten =
        rewrite(&source, &version, &files).map_err(|e| format!("{}: {e}", sw_path.display()))?;
    fs::write(&sw_path, rewritten).map_err(|e| format!("{}: {e}", sw_path.display()))
}

/// The files under `dir` (prefixed by `rel`, `/`-separated) the worker should
/// cache.
fn list(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(format!(
                "{}: a file name that is not UTF-8",
                entry.path().display()
            ));
        };
        // Hidden files (trunk's .stage folder) and host configuration
        // (Netlify's _headers and _redirects) are not served.
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        let path = format!("{rel}{name}");
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        if kind.is_dir() {
            list(&entry.path(), &format!("{path}/"), out)?;
        } else if path != SW {
            out.push(path);
        }
    }
    Ok(())
}

fn rewrite(source: &str, version: &str, files: &[String]) -> Result<String, String> {
    let list = files
        .iter()
        .map(|f| js_string(&url_path(f)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut seen = (0, 0);
    let mut out = String::with_capacity(source.len() + list.len() + 64);
    for line in source.split_inclusive('\n') {
        let newline = if line.ends_with('\n') { "\n" } else { "" };
        if line.starts_with(VERSION_LINE) {
            seen.0 += 1;
            out.push_str(&format!("{VERSION_LINE}{};{newline}", js_string(version)));
        } else if line.starts_with(PRECACHE_LINE) {
            seen.1 += 1;
            out.push_str(&format!("{PRECACHE_LINE}[{list}];{newline}"));
        } else {
            out.push_str(line);
        }
    }
    match seen {
        (1, 1) => Ok(out),
        (v, p) => Err(format!(
            "expected one line starting `{VERSION_LINE}` and one starting `{PRECACHE_LINE}`, found {v} and {p}"
        )),
    }
}

/// A file path as a relative URL: bytes that would end or change the path
/// (`#`, `?`, `%`, spaces, non-ASCII) percent-encoded.
fn url_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A single-quoted JavaScript string literal.
fn js_string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// 64-bit FNV-1a: std-only and stable across Rust versions (unlike
/// `DefaultHasher`). A version label, not a security measure.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const TEMPLATE: &str =
        "// a comment\nconst VERSION = 'dev';\nconst PRECACHE = [];\nconst SCOPE = 1;\n";

    /// A fresh folder under target/ for one test.
    fn scratch(name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/xtask-sw-tests")
            .join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn site(name: &str) -> PathBuf {
        let dir = scratch(name);
        fs::write(dir.join("sw.js"), TEMPLATE).unwrap();
        fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        fs::write(dir.join("app-0123.wasm"), [0u8, 97, 115, 109]).unwrap();
        fs::write(dir.join("_headers"), "/*\n  X: y\n").unwrap();
        fs::create_dir_all(dir.join(".stage")).unwrap();
        fs::write(dir.join(".stage/junk"), "x").unwrap();
        fs::create_dir_all(dir.join("img")).unwrap();
        fs::write(dir.join("img/it's #1.png"), "png").unwrap();
        dir
    }

    fn line<'a>(sw: &'a str, start: &str) -> &'a str {
        sw.lines().find(|l| l.starts_with(start)).unwrap()
    }

    #[test]
    fn lists_served_files_relative_to_the_worker() {
        let dir = site("lists");
        service_worker(&dir).unwrap();
        let sw = fs::read_to_string(dir.join("sw.js")).unwrap();
        assert_eq!(
            line(&sw, PRECACHE_LINE),
            r"const PRECACHE = ['app-0123.wasm', 'img/it\'s%20%231.png', 'index.html'];"
        );
        let version = line(&sw, VERSION_LINE);
        assert!(
            version.len() == "const VERSION = '';".len() + 16,
            "{version}"
        );
        assert!(sw.starts_with("// a comment\n") && sw.ends_with("const SCOPE = 1;\n"));
    }

    #[test]
    fn running_twice_changes_nothing() {
        let dir = site("twice");
        service_worker(&dir).unwrap();
        let first = fs::read_to_string(dir.join("sw.js")).unwrap();
        service_worker(&dir).unwrap();
        assert_eq!(fs::read_to_string(dir.join("sw.js")).unwrap(), first);
    }

    #[test]
    fn any_changed_byte_or_name_changes_the_version() {
        let dir = site("version");
        service_worker(&dir).unwrap();
        let version = |dir: &Path| {
            let sw = fs::read_to_string(dir.join("sw.js")).unwrap();
            line(&sw, VERSION_LINE).to_owned()
        };
        let v1 = version(&dir);
        fs::write(dir.join("index.html"), "<!doctype html>!").unwrap();
        service_worker(&dir).unwrap();
        let v2 = version(&dir);
        assert_ne!(v1, v2);
        fs::rename(dir.join("app-0123.wasm"), dir.join("app-4567.wasm")).unwrap();
        service_worker(&dir).unwrap();
        let v3 = version(&dir);
        assert_ne!(v2, v3);
        // Files the worker does not cache do not count.
        fs::write(dir.join("_headers"), "changed").unwrap();
        service_worker(&dir).unwrap();
        assert_eq!(version(&dir), v3);
        // The worker's own code does.
        let sw = fs::read_to_string(dir.join("sw.js")).unwrap();
        fs::write(dir.join("sw.js"), sw.replace("SCOPE = 1", "SCOPE = 2")).unwrap();
        service_worker(&dir).unwrap();
        assert_ne!(version(&dir), v3);
    }

    #[test]
    fn a_worker_without_the_placeholders_is_an_error() {
        let dir = scratch("no-placeholders");
        fs::write(dir.join("sw.js"), "const VERSION = 'dev';\n").unwrap();
        let err = service_worker(&dir).unwrap_err();
        assert!(
            err.contains("PRECACHE") && err.contains("found 1 and 0"),
            "{err}"
        );
        let missing = scratch("no-sw");
        assert!(service_worker(&missing).unwrap_err().contains("sw.js"));
    }
}
