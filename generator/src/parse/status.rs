//! The success status sentence: "If successful, this method returns a `201 Created` response code".

use regex::Regex;
use std::sync::OnceLock;

/// Finds the documented success status in a sentence of the Response section.
pub fn success_status(text: &str) -> Option<u16> {
    static STATUS: OnceLock<Option<Regex>> = OnceLock::new();
    let regex = STATUS
        .get_or_init(|| Regex::new(r"(?i)returns?\s+(?:an?\s+)?`?\s*([1-5]\d\d)\b").ok())
        .as_ref()?;
    let captures = regex.captures(text)?;
    captures.get(1)?.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_status_in_common_sentences() {
        assert_eq!(
            success_status("If successful, this method returns a `201 Created` response code and a [x](x.md) object."),
            Some(201)
        );
        assert_eq!(
            success_status("If successful, this action returns a `204 No Content` response code."),
            Some(204)
        );
        assert_eq!(
            success_status("If successful, this method returns `200 OK` and a collection."),
            Some(200)
        );
        assert_eq!(
            success_status("returns an 202 Accepted response"),
            Some(202)
        );
        assert_eq!(success_status("Nothing here."), None);
    }
}
